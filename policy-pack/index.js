// The pack shipped with the package: its policies are compiled from policy/ into dist/policy/.
// @pulumi/policy takes the pack's version from package.json in the working directory: the package's own.
process.chdir(require("node:path").join(__dirname, ".."));
require("../dist/policy");
