// ESLint (flat config): typescript-eslint's recommended rules for every TypeScript and JavaScript file of
// the repository; Prettier owns the layout (`npm run lint`, `npm run format`).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // The captured 0.1.0 provider stub is a state's text, kept byte for byte.
  { ignores: ["dist/", ".cache/", "coverage/", "**/node_modules/", "**/bin/", "test/e2e/fixtures/provider-stub-0.1.0.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // Unused names with a leading underscore are deliberate (a callback's shape, a field left out of a copy).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  // CommonJS files (the shipped policy pack's entry) load modules with require.
  { files: ["**/*.js"], rules: { "@typescript-eslint/no-require-imports": "off" } },
  // Tests read vendor JSON of any shape.
  { files: ["test/**"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
);
