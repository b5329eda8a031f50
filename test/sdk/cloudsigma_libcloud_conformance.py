"""Apache libcloud's CloudSigma 1.0 driver against the CloudSigma simulator (run by cloudsigma-libcloud.test.ts).

Every step prints one JSON line: {"step", "ok", "detail"} (or "error" and "trace"); the first line names the
library and its version. Each step asserts on what the driver returns (its Node, NodeImage and NodeSize
objects, or the key-value dicts its connection parses), not on the simulator's state.
"""

import argparse
import json
import sys
import time
import traceback

import libcloud
from libcloud.common.types import InvalidCredsError
from libcloud.compute.drivers.cloudsigma import CloudSigmaNodeDriver
from libcloud.compute.types import NodeState

parser = argparse.ArgumentParser()
parser.add_argument("--host", required=True)
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--email", required=True)
parser.add_argument("--password", required=True)
args = parser.parse_args()


def driver(password=None):
    return CloudSigmaNodeDriver(
        args.email, password or args.password, secure=False, host=args.host, port=args.port, api_version="1.0", region="zrh"
    )


d = driver()
state = {}
print(json.dumps({"library": "apache-libcloud", "version": libcloud.__version__, "driver": type(d).__name__}), flush=True)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def only_node(name):
    nodes = [n for n in d.list_nodes() if n.name == name]
    check(len(nodes) == 1, "one node named %s, got %d" % (name, len(nodes)))
    return nodes[0]


def list_sizes():
    sizes = d.list_sizes()
    check(len(sizes) > 0, "sizes")
    for s in sizes:
        check(s.cpu > 0 and s.ram > 0 and s.disk > 0, "size %s has cpu, ram and disk" % s.id)
    state["size"] = min((s for s in sizes if s.disk >= 10), key=lambda s: (s.disk, s.ram))
    return {"count": len(sizes), "chosen": state["size"].id, "disk": state["size"].disk}


def list_images():
    images = d.list_images()
    names = [i.name for i in images]
    check("Debian 12 Server 64bit Preinstalled System" in names, "the Debian 12 image: %s" % names)
    check(not any("Install CD" in n for n in names), "no CD (type cdrom) among the images: %s" % names)
    image = next(i for i in images if i.name == "Debian 12 Server 64bit Preinstalled System")
    check(int(image.extra["size"]) == 10 * 1024**3, "image size in bytes: %s" % image.extra)
    state["image"] = image
    return {"count": len(images), "debian12": image.id}


def list_nodes_empty():
    nodes = d.list_nodes()
    check(nodes == [], "no nodes yet: %s" % nodes)
    return {"nodes": 0}


def create_node():
    # A drive clone (`driveType hdd`, `size NG`), polled until its imaging ends, a server, then a start.
    node = d.create_node(name="lc-node-1", size=state["size"], image=state["image"], vnc_password="secret12")
    check(node.id and node.name == "lc-node-1", "node id and name: %r" % node)
    check(node.state == NodeState.RUNNING, "running after create: %s" % node.state)
    check(node.extra.get("smp") == 1, "smp derived from cpu, as a number: %s" % node.extra)
    check(node.extra.get("status") == "active", "status active: %s" % node.extra)
    state["node"] = node
    drives = [x for x in d.ex_drives_list() if x.get("name") == "lc-node-1"]
    check(len(drives) == 1, "one cloned drive named after the node: %s" % drives)
    drive = drives[0]
    check("imaging" not in drive and drive["status"] == "active", "imaging over: %s" % drive)
    check(int(drive["size"]) == state["size"].disk * 1024**3, "the clone has the size's disk: %s" % drive["size"])
    check("driveType" not in drive, "driveType is taken and not shown")
    check(drive.get("claimed", "").count(":guest:%s:ide:0:0" % node.id) == 1, "the server claims its drive: %s" % drive.get("claimed"))
    state["drive"] = drive["drive"]
    return {"node": node.id, "drive": drive["drive"], "public_ips": node.public_ips}


def list_nodes():
    node = only_node("lc-node-1")
    check(node.id == state["node"].id, "same id")
    check(node.state == NodeState.RUNNING, "running: %s" % node.state)
    check(len(node.public_ips) == 1 and node.public_ips[0].count(".") == 3, "an address from DHCP: %s" % node.public_ips)
    check(node.extra["vnc_ip"] == node.public_ips[0], "vnc:ip auto reuses nic:0:dhcp: %s" % node.extra)
    check(node.extra["vnc_password"] == "secret12", "vnc password")
    check(node.extra["cpu"] == state["size"].cpu and node.extra["mem"] == state["size"].ram, "cpu and mem as created: %s" % node.extra)
    return {"state": node.state, "public_ips": node.public_ips}


def reboot_node():
    check(d.reboot_node(state["node"]) is True, "reboot (stop + start) answers True")
    check(only_node("lc-node-1").state == NodeState.RUNNING, "running again")
    return {"state": NodeState.RUNNING}


def stop_node():
    check(d.stop_node(state["node"]) is True, "stop answers 204")
    node = only_node("lc-node-1")
    check(node.state == NodeState.TERMINATED, "stopped maps to TERMINATED: %s" % node.state)
    check(node.extra["status"] == "stopped", "status stopped")
    check(node.extra["smp"] == "auto", "a stopped server shows smp auto: %s" % node.extra)
    check(node.public_ips == ["auto"], "nic:0:dhcp auto while stopped: %s" % node.public_ips)
    return {"state": node.state, "smp": node.extra["smp"]}


def set_configuration():
    ok = d.ex_set_node_configuration(state["node"], mem=state["size"].ram * 2, smp=2, **{"nic:1:model": "virtio"})
    check(ok is True, "set answers 200 with the server")
    info = d._get_node_info(state["node"])
    check(info["mem"] == str(state["size"].ram * 2) and info["smp"] == "2", "mem and smp set: %s" % info)
    mac = info.get("nic:1:mac", "")
    check(len(mac.split(":")) == 6 and int(mac.split(":")[0], 16) & 2, "NIC 1 got a generated, locally administered MAC: %s" % mac)
    return {"mem": info["mem"], "smp": info["smp"], "nic:1:mac": mac}


def start_node():
    check(d.ex_start_node(state["node"]) is True, "start answers 200")
    node = only_node("lc-node-1")
    check(node.state == NodeState.RUNNING, "running: %s" % node.state)
    return {"state": node.state}


def static_ips():
    created = d.ex_static_ip_create()
    check(len(created) == 1 and created[0]["type"] == "ip", "one IP: %s" % created)
    ip = created[0]["resource"]
    check(ip in d.ex_static_ip_list(), "listed")
    check(d.ex_static_ip_destroy(ip) is True, "destroyed (GET)")
    check(ip not in d.ex_static_ip_list(), "gone")
    return {"ip": ip}


def billing():
    # The 1.0 driver has no billing methods; its connection reads them as it reads everything else.
    balance = d.connection.request("/balance/info").object[0]
    check(float(balance["balance"]) > 0 and balance["currency"] == "EUR", "balance: %s" % balance)
    pricing = d.connection.request("/pricing/info").object[0]
    for k in ("start", "end", "cpu:sub", "cpu:burst", "mem:sub", "disk:sub", "xfer:sub", "ip", "vlan"):
        check(k in pricing, "pricing has %s: %s" % (k, pricing))
    usage = d.connection.request("/usage/info").object[0]
    check(int(usage["cpu"]) == state["size"].cpu and int(usage["mem"]) == state["size"].ram * 2, "usage of the running node: %s" % usage)
    check(int(usage["disk"]) >= state["size"].disk, "disk use in GB: %s" % usage)
    currencies = d.connection.request("/currencies/list").body.split()
    check(currencies == ["EUR", "GBP", "USD"], "currencies: %s" % currencies)
    return {"balance": balance, "usage_cpu": usage["cpu"], "pricing_keys": len(pricing)}


def errors():
    try:
        driver("wrong").list_nodes()
        raise AssertionError("a wrong password was accepted")
    except InvalidCredsError:
        pass
    try:
        d.connection.request("/drives/create", method="GET")
        raise AssertionError("a GET on a POST-only command was accepted")
    except Exception as e:  # libcloud raises the parsed error body
        check("method" in str(e), "405 with errors:method: %s" % e)
    return {"bad_password": "InvalidCredsError", "get_on_post": "405"}


def clone_node():
    # The 1.0 driver has no clone helper: its connection posts the manual's /servers/UUID/clone.
    body = "name lc-node-1-clone\n"
    answer = d.connection.request("/servers/%s/clone" % state["node"].id, data=body, method="POST").object[0]
    clone = d._to_node(answer)
    check(clone.name == "lc-node-1-clone" and clone.id != state["node"].id, "a new node: %r" % clone)
    check(clone.state == NodeState.RUNNING, "the clone runs: %s" % clone.state)
    copy = answer.get("ide:0:0")
    check(copy and copy != state["drive"], "the clone has its own copy of the drive: %s" % answer)
    for _ in range(100):
        drive = [x for x in d.ex_drives_list() if x["drive"] == copy]
        check(len(drive) == 1, "the copy is one of the account's drives")
        if "imaging" not in drive[0]:
            break
        time.sleep(0.1)
    check("imaging" not in drive[0], "the copy's imaging ended: %s" % drive[0])
    # Not destroy_node: its _get_node matches any node (`node.id == node.id`) and would destroy the first one.
    check(d.ex_stop_node(clone) is True, "the clone stops")
    check(d.connection.request("/servers/%s/destroy" % clone.id, method="POST").status == 204, "the clone is destroyed")
    check(d.ex_drive_destroy(copy) is True, "its released copy is destroyed")
    check(all(x["drive"] != copy for x in d.ex_drives_list()), "the copy is gone")
    check(any(x["drive"] == state["drive"] for x in d.ex_drives_list()), "the source's drive is not")
    return {"clone": clone.id, "copy": copy}


def destroy_node():
    check(d.destroy_node(state["node"]) is True, "destroy (stop first) answers 204")
    check(d.list_nodes() == [], "no nodes left")
    check(d.ex_drive_destroy(state["drive"]) is True, "the released drive is destroyed")
    check(all(x["drive"] != state["drive"] for x in d.ex_drives_list()), "the drive is gone")
    return {"nodes": 0}


STEPS = [
    list_sizes,
    list_images,
    list_nodes_empty,
    create_node,
    list_nodes,
    reboot_node,
    stop_node,
    set_configuration,
    start_node,
    static_ips,
    billing,
    errors,
    clone_node,
    destroy_node,
]

for step in STEPS:
    try:
        detail = step()
        print(json.dumps({"step": step.__name__, "ok": True, "detail": detail}, default=str), flush=True)
    except Exception as e:  # noqa: BLE001 - every failure is reported as a line
        print(json.dumps({"step": step.__name__, "ok": False, "error": repr(e), "trace": traceback.format_exc()}), flush=True)
        sys.exit(1)
