"""SmartX's official Python SDK (cloudtower-sdk) against a CloudTower endpoint: every step calls the SDK the
way its documentation does, lets it deserialize the answer into its models, and asserts on what it returns.

    python cloudtower_sdk_conformance.py --url http://127.0.0.1:PORT --username admin --password PASS

Prints one JSON line per step: {"step": ..., "ok": true, "detail": {...}} or {"step": ..., "ok": false,
"error": ...}; stops at the first failure (later steps build on earlier ones) and exits 1 then, else 0.
Made for the repository's CloudTower simulator (its seed: clusters cluster-a and cluster-b, the VM
templates debian-12, the content-library template debian-12-library, the appliance at 10.0.0.30).
"""

import argparse
import json
import sys
import traceback

import cloudtower
from cloudtower import models as m
from cloudtower.api.cluster_api import ClusterApi
from cloudtower.api.content_library_vm_template_api import ContentLibraryVmTemplateApi
from cloudtower.api.host_api import HostApi
from cloudtower.api.label_api import LabelApi
from cloudtower.api.task_api import TaskApi
from cloudtower.api.vds_api import VdsApi
from cloudtower.api.vlan_api import VlanApi
from cloudtower.api.vm_api import VmApi
from cloudtower.api.vm_disk_api import VmDiskApi
from cloudtower.api.vm_nic_api import VmNicApi
from cloudtower.api.vm_placement_group_api import VmPlacementGroupApi
from cloudtower.api.vm_snapshot_api import VmSnapshotApi
from cloudtower.api.vm_template_api import VmTemplateApi
from cloudtower.api.vm_volume_api import VmVolumeApi
from cloudtower.exceptions import ApiException
from cloudtower.utils import login, wait_tasks

GIB = 1024 ** 3
APPLIANCE = {"ip": "10.0.0.30", "username": "root", "password": "cluster-pass"}


class Conformance:
    def __init__(self, url, username, password):
        self.host = url.rstrip("/") + "/v2/api"
        self.client = cloudtower.ApiClient(cloudtower.Configuration(host=self.host))
        self.username, self.password = username, password
        self.vm_api = VmApi(self.client)
        self.state = {}

    # ---- helpers ------------------------------------------------------------------------------

    def wait(self, results):
        """Waits for the tasks of mutation results (WithTask models) and answers their ids."""
        ids = [r.task_id for r in results if r.task_id]
        wait_tasks(list(ids), self.client, interval=0.05, timeout=60)
        return ids

    def vm(self, vm_id):
        vms = self.vm_api.get_vms(m.GetVmsRequestBody(where=m.VmWhereInput(id=vm_id)))
        return vms[0] if vms else None

    def nics(self, vm_id):
        return VmNicApi(self.client).get_vm_nics(m.GetVmNicsRequestBody(where=m.VmNicWhereInput(vm=m.VmWhereInput(id=vm_id)), order_by="order_ASC"))

    def disks(self, vm_id):
        return VmDiskApi(self.client).get_vm_disks(m.GetVmDisksRequestBody(where=m.VmDiskWhereInput(vm=m.VmWhereInput(id=vm_id))))

    def power(self, op, vm_id, want):
        results = getattr(self.vm_api, op)(m.VmOperateParams(where=m.VmWhereInput(id=vm_id)))
        assert len(results) == 1 and isinstance(results[0], m.WithTaskVm), results
        self.wait(results)
        status = self.vm(vm_id).status
        assert status == want, f"{op}: the VM is {status}, not {want}"
        return status

    # ---- steps --------------------------------------------------------------------------------

    def step_login(self):
        login(self.client, self.username, self.password)
        token = self.client.configuration.api_key["Authorization"]
        assert isinstance(token, str) and token, "no token"
        return {"token_length": len(token)}

    def step_list_clusters_and_hosts(self):
        clusters = ClusterApi(self.client).get_clusters(m.GetClustersRequestBody(order_by="name_ASC"))
        assert [c.name for c in clusters] == ["cluster-a", "cluster-b"], [c.name for c in clusters]
        assert all(isinstance(c, m.Cluster) and c.connect_state == "CONNECTED" for c in clusters)
        count = ClusterApi(self.client).get_clusters_connection(m.GetClustersConnectionRequestBody()).aggregate.count
        assert count == 2, count
        self.state["cluster"] = clusters[0]
        hosts = HostApi(self.client).get_hosts(m.GetHostsRequestBody(where=m.HostWhereInput(cluster=m.ClusterWhereInput(id=clusters[0].id))))
        assert len(hosts) == 2 and all(h.cluster.id == clusters[0].id for h in hosts)
        self.state["hosts"] = [h.id for h in hosts]
        return {"clusters": [c.name for c in clusters], "hosts": [h.name for h in hosts]}

    def step_list_networks(self):
        cluster = self.state["cluster"]
        vdses = VdsApi(self.client).get_vdses(m.GetVdsesRequestBody(where=m.VdsWhereInput(cluster=m.ClusterWhereInput(id=cluster.id))))
        assert len(vdses) == 1, vdses
        vlans = VlanApi(self.client).get_vlans(m.GetVlansRequestBody(where=m.VlanWhereInput(vds=m.VdsWhereInput(id=vdses[0].id))))
        assert [v.name for v in vlans] == ["default"], [v.name for v in vlans]
        self.state["vds"], self.state["default_vlan"] = vdses[0], vlans[0]
        return {"vds": vdses[0].name, "vlans": [v.name for v in vlans]}

    def step_list_templates(self):
        cluster = self.state["cluster"]
        templates = VmTemplateApi(self.client).get_vm_templates(m.GetVmTemplatesRequestBody(where=m.VmTemplateWhereInput(cluster=m.ClusterWhereInput(id=cluster.id)), order_by="name_ASC"))
        names = [t.name for t in templates]
        assert names == ["debian-12", "rocky-9-uefi"], names
        debian = templates[0]
        assert isinstance(debian, m.VmTemplate) and debian.vcpu == 2 and debian.memory == 2 * GIB
        assert [d.type for d in debian.vm_disks] == ["DISK"] and debian.vm_disks[0].size == 20 * GIB
        assert len(debian.vm_nics) == 1 and debian.vm_nics[0].vlan.name == "default"
        library = ContentLibraryVmTemplateApi(self.client).get_content_library_vm_templates(m.GetContentLibraryVmTemplatesRequestBody())
        assert [t.name for t in library] == ["debian-12-library"], [t.name for t in library]
        self.state["template"], self.state["library_template"] = debian, library[0]
        return {"templates": names, "library": [t.name for t in library]}

    def step_create_vlan(self):
        results = VlanApi(self.client).create_vm_vlan([m.VmVlanCreationParams(vds_id=self.state["vds"].id, name="sdk-net", vlan_id=42)])
        self.wait(results)
        vlan = VlanApi(self.client).get_vlans(m.GetVlansRequestBody(where=m.VlanWhereInput(id=results[0].data.id)))[0]
        assert vlan.vlan_id == 42 and vlan.type == "VM" and vlan.entity_async_status is None, vlan
        updated = VlanApi(self.client).update_vlan(m.VmVlanUpdationParams(where=m.VlanWhereInput(id=vlan.id), data=m.VmVlanUpdationParamsData(name="sdk-net-2", vlan_id=43)))
        self.wait(updated)
        vlan = VlanApi(self.client).get_vlans(m.GetVlansRequestBody(where=m.VlanWhereInput(id=vlan.id)))[0]
        assert (vlan.name, vlan.vlan_id) == ("sdk-net-2", 43), (vlan.name, vlan.vlan_id)
        self.state["vlan"] = vlan
        return {"vlan": vlan.id}

    def step_create_vm_from_scratch(self):
        params = m.VmCreationParams(
            cluster_id=self.state["cluster"].id, name="sdk-scratch", ha=True, cpu_cores=1, cpu_sockets=1, vcpu=1, memory=GIB,
            status="STOPPED", firmware="BIOS",
            vm_nics=[m.VmNicParams(connect_vlan_id=self.state["vlan"].id)],
            vm_disks=m.VmDiskParams(mount_new_create_disks=[m.MountNewCreateDisksParams(
                boot=0, bus="VIRTIO", vm_volume=m.MountNewCreateDisksParamsVmVolume(name="sdk-scratch-d0", size=10 * GIB, elf_storage_policy="REPLICA_2_THIN_PROVISION"))]),
        )
        results = self.vm_api.create_vm([params])
        assert len(results) == 1 and results[0].task_id, results
        placeholder = results[0].data
        assert isinstance(placeholder, m.Vm) and placeholder.name == "sdk-scratch"
        self.wait(results)
        vm = self.vm(placeholder.id)
        assert vm.status == "STOPPED" and vm.cpu.cores == 1 and vm.memory == GIB and vm.entity_async_status is None, vm
        assert len(self.disks(vm.id)) == 1 and [n.vlan.id for n in self.nics(vm.id)] == [self.state["vlan"].id]
        self.state["vm"] = vm.id
        return {"vm": vm.id, "local_id": vm.local_id}

    def step_wait_on_its_tasks(self):
        tasks = TaskApi(self.client).get_tasks(m.GetTasksRequestBody(where=m.TaskWhereInput(resource_id=self.state["vm"]), order_by="local_created_at_DESC"))
        assert tasks and all(isinstance(t, m.Task) for t in tasks)
        create = [t for t in tasks if t.resource_mutation == "createVm"]
        assert len(create) == 1 and create[0].status == "SUCCESSED" and create[0].finished_at, create
        return {"tasks": [(t.resource_mutation, t.status) for t in tasks]}

    def step_update_basic_info_cpu_memory(self):
        vm_id = self.state["vm"]
        results = self.vm_api.update_vm(m.VmUpdateParams(where=m.VmWhereInput(id=vm_id), data=m.VmUpdateParamsData(
            name="sdk-vm", description="made by the SDK", cpu_cores=2, cpu_sockets=2, vcpu=4, memory=4 * GIB)))
        self.wait(results)
        vm = self.vm(vm_id)
        assert (vm.name, vm.description, vm.vcpu, vm.cpu.cores, vm.cpu.sockets, vm.memory) == ("sdk-vm", "made by the SDK", 4, 2, 2, 4 * GIB), vm
        return {"vcpu": vm.vcpu, "memory": vm.memory}

    def step_update_disks(self):
        vm_id = self.state["vm"]
        added = self.vm_api.add_vm_disk(m.VmAddDiskParams(where=m.VmWhereInput(id=vm_id), data=m.VmAddDiskParamsData(vm_disks=m.VmDiskParams(mount_new_create_disks=[
            m.MountNewCreateDisksParams(boot=1, bus="SCSI", vm_volume=m.MountNewCreateDisksParamsVmVolume(name="sdk-vm-data", size=5, size_unit="GB", elf_storage_policy="REPLICA_2_THIN_PROVISION"))]))))
        self.wait(added)
        disks = self.disks(vm_id)
        assert len(disks) == 2, disks
        data = [d for d in disks if d.vm_volume and d.vm_volume.name == "sdk-vm-data"][0]
        self.wait(self.vm_api.expand_vm_disk(m.VmExpandVmDiskParams(where=m.VmDiskWhereInput(id=data.id), size=8, size_unit="GB")))
        volume = VmVolumeApi(self.client).get_vm_volumes(m.GetVmVolumesRequestBody(where=m.VmVolumeWhereInput(name="sdk-vm-data")))[0]
        assert volume.size == 8 * GIB, volume.size
        data = [d for d in self.disks(vm_id) if d.vm_volume and d.vm_volume.name == "sdk-vm-data"][0]
        self.wait(self.vm_api.remove_vm_disk(m.VmRemoveDiskParams(where=m.VmWhereInput(id=vm_id), data=m.VmRemoveDiskParamsData(disk_ids=[data.id]))))
        assert len(self.disks(vm_id)) == 1
        return {"grown_to": volume.size}

    def step_update_nics(self):
        vm_id = self.state["vm"]
        default_vlan = self.state["default_vlan"].id
        self.wait(self.vm_api.add_vm_nic(m.VmAddNicParams(where=m.VmWhereInput(id=vm_id), data=m.VmAddNicParamsData(vm_nics=[m.VmNicParams(connect_vlan_id=default_vlan, model="E1000")]))))
        nics = self.nics(vm_id)
        assert [n.model for n in nics] == ["VIRTIO", "E1000"], [n.model for n in nics]
        self.wait(self.vm_api.update_vm_nic(m.VmUpdateNicParams(where=m.VmWhereInput(id=vm_id), data=m.VmUpdateNicParamsData(nic_index=1, enabled=False, connect_vlan_id=self.state["vlan"].id))))
        nics = self.nics(vm_id)
        assert (nics[1].enabled, nics[1].vlan.id) == (False, self.state["vlan"].id), nics[1]
        first = nics[0].mac_address
        removed = self.vm_api.remove_vm_nic_by_where(m.VmRemoveNicByWhereParams(
            where=m.VmNicWhereInput(vm=m.VmWhereInput(id=vm_id), mac_address=nics[1].mac_address), effect=m.VmRemoveNicByWhereParamsEffect(vm_ids=[vm_id])))
        assert [r.data.id for r in removed] == [vm_id], removed
        self.wait(removed)
        nics = self.nics(vm_id)
        assert [n.mac_address for n in nics] == [first], nics
        return {"nics": [n.mac_address for n in nics]}

    def step_power(self):
        vm_id = self.state["vm"]
        host = self.state["hosts"][1]
        results = self.vm_api.start_vm(m.VmStartParams(where=m.VmWhereInput(id=vm_id), data=m.VmStartParamsData(host_id=host)))
        self.wait(results)
        vm = self.vm(vm_id)
        assert vm.status == "RUNNING" and vm.host.id == host, (vm.status, vm.host)
        seen = [vm.status]
        for op, want in [("restart_vm", "RUNNING"), ("force_restart_vm", "RUNNING"), ("suspend_vm", "SUSPENDED"), ("resume_vm", "RUNNING"), ("shut_down_vm", "STOPPED")]:
            seen.append(self.power(op, vm_id, want))
        try:
            self.vm_api.resume_vm(m.VmOperateParams(where=m.VmWhereInput(id=vm_id)))
            raise AssertionError("resuming a stopped VM was accepted")
        except ApiException as e:
            assert e.status == 400 and json.loads(e.body)["path"] == "/resume-vm", (e.status, e.body)
        self.wait(self.vm_api.start_vm(m.VmStartParams(where=m.VmWhereInput(id=vm_id))))
        seen.append(self.power("poweroff_vm", vm_id, "STOPPED"))
        return {"statuses": seen}

    def step_snapshot_and_rollback(self):
        vm_id = self.state["vm"]
        api = VmSnapshotApi(self.client)
        results = api.create_vm_snapshot(m.VmSnapshotCreationParams(data=[m.VmSnapshotCreationParamsData(vm_id=vm_id, name="sdk-snap", consistent_type="CRASH_CONSISTENT")]))
        self.wait(results)
        snap = api.get_vm_snapshots(m.GetVmSnapshotsRequestBody(where=m.VmSnapshotWhereInput(id=results[0].data.id)))[0]
        assert isinstance(snap, m.VmSnapshot) and snap.vm.id == vm_id and snap.vcpu == 4 and len(snap.vm_disks) == 1 and len(snap.vm_nics) == 1, snap
        self.wait(self.vm_api.update_vm(m.VmUpdateParams(where=m.VmWhereInput(id=vm_id), data=m.VmUpdateParamsData(cpu_cores=1, cpu_sockets=1, vcpu=1, memory=GIB))))
        assert self.vm(vm_id).vcpu == 1
        self.wait(self.vm_api.rollback_vm(m.VmRollbackParams(where=m.VmWhereInput(id=vm_id), data=m.VmRollbackParamsData(snapshot_id=snap.id))))
        vm = self.vm(vm_id)
        assert (vm.vcpu, vm.memory) == (4, 4 * GIB), (vm.vcpu, vm.memory)
        self.wait(api.delete_vm_snapshot(m.VmSnapshotDeletionParams(where=m.VmSnapshotWhereInput(id=snap.id))))
        assert api.get_vm_snapshots(m.GetVmSnapshotsRequestBody(where=m.VmSnapshotWhereInput(id=snap.id))) == []
        return {"snapshot": snap.id, "disks": [d.disk_name for d in snap.vm_disks]}

    def step_create_vm_from_template(self):
        tpl = self.state["template"]
        results = self.vm_api.create_vm_from_template([m.VmCreateVmFromTemplateParams(
            template_id=tpl.id, name="sdk-from-template", is_full_copy=False, memory=4 * GIB,
            cloud_init=m.TemplateCloudInit(hostname="sdk-from-template", default_user_password="s3cret", public_keys=["ssh-ed25519 AAAA sdk"]))])
        self.wait(results)
        vm = self.vm(results[0].data.id)
        assert (vm.status, vm.cluster.id, vm.vcpu, vm.memory, vm.firmware) == ("RUNNING", tpl.cluster.id, 2, 4 * GIB, "BIOS"), vm
        assert len(self.disks(vm.id)) == 1 and len(self.nics(vm.id)) == 1
        self.state["from_template"] = vm.id
        return {"vm": vm.id}

    def step_create_vm_from_content_library(self):
        lib = self.state["library_template"]
        cluster_b = [c for c in ClusterApi(self.client).get_clusters(m.GetClustersRequestBody()) if c.name == "cluster-b"][0]
        results = self.vm_api.create_vm_from_content_library_template([m.VmCreateVmFromContentLibraryTemplateParams(
            template_id=lib.id, cluster_id=cluster_b.id, name="sdk-from-library", is_full_copy=True, status="STOPPED")])
        self.wait(results)
        vm = self.vm(results[0].data.id)
        assert (vm.status, vm.cluster.name) == ("STOPPED", "cluster-b"), vm
        self.state["from_library"] = vm.id
        return {"vm": vm.id}

    def step_template_and_volume_lifecycles(self):
        templates = VmTemplateApi(self.client)
        results = templates.clone_vm_template_from_vm([m.VmTemplateCreationParams(vm_id=self.state["vm"], name="sdk-template", cloud_init_supported=False)])
        self.wait(results)
        tpl = templates.get_vm_templates(m.GetVmTemplatesRequestBody(where=m.VmTemplateWhereInput(id=results[0].data.id)))[0]
        assert (tpl.name, tpl.vcpu, len(tpl.vm_nics)) == ("sdk-template", 4, 1), tpl
        self.wait(templates.delete_vm_template(m.VmTemplateDeletionParams(where=m.VmTemplateWhereInput(id=tpl.id))))
        volumes = VmVolumeApi(self.client)
        made = volumes.create_vm_volume([m.VmVolumeCreationParams(name="sdk-volume", size=2, size_unit="GB", sharing=False, elf_storage_policy="REPLICA_2_THIN_PROVISION", cluster_id=self.state["cluster"].id)])
        self.wait(made)
        volume = volumes.get_vm_volumes(m.GetVmVolumesRequestBody(where=m.VmVolumeWhereInput(id=made[0].data.id)))[0]
        assert (volume.size, volume.mounting) == (2 * GIB, False), volume
        self.wait(volumes.delete_vm_volume_from_vm(m.VmVolumeDeletionParams(where=m.VmVolumeWhereInput(id=volume.id))))
        return {"template": tpl.id, "volume": volume.id}

    def step_clone_labels_placement_volume(self):
        """A clone with cloud-init-free overrides, labels on it, a placement group around it, a volume grown in place."""
        src = self.state["vm"]
        results = self.vm_api.clone_vm([m.VmCloneParams(src_vm_id=src, name="sdk-clone", is_full_copy=False, memory=2 * GIB)])
        self.wait(results)
        clone = self.vm(results[0].data.id)
        assert (clone.memory, clone.cluster.id, len(self.nics(clone.id))) == (2 * GIB, self.vm(src).cluster.id, len(self.nics(src))), clone
        labels = LabelApi(self.client)
        made = labels.create_label([m.LabelCreationParams(key="sdk", value="yes")])
        self.wait(made)
        where = m.LabelWhereInput(id=made[0].data.id)
        self.wait(labels.add_labels_to_resources(m.AddLabelsToResourcesParams(where=where, data=m.AddLabelsToResourcesParamsData(vms=m.VmWhereInput(id=clone.id)))))
        assert [(x.key, x.value) for x in self.vm(clone.id).labels] == [("sdk", "yes")], self.vm(clone.id).labels
        self.wait(labels.remove_labels_from_resources(m.AddLabelsToResourcesParams(where=where, data=m.AddLabelsToResourcesParamsData(vms=m.VmWhereInput(id=clone.id)))))
        assert not self.vm(clone.id).labels
        self.wait(labels.delete_label(m.LabelDeletionParams(where=where)))
        groups = VmPlacementGroupApi(self.client)
        made = groups.create_vm_placement_group([m.VmPlacementGroupCreationParams(
            name="sdk-group", cluster_id=clone.cluster.id, enabled=True, vms=m.VmWhereInput(id_in=[clone.id]), vm_vm_policy="MUST_DIFFERENT", vm_vm_policy_enabled=True)])
        self.wait(made)
        gwhere = m.VmPlacementGroupWhereInput(id=made[0].data.id)
        self.wait(groups.update_vm_placement_group(m.VmPlacementGroupUpdationParams(where=gwhere, data=m.VmPlacementGroupUpdationParamsData(vm_vm_policy="PREFER_DIFFERENT"))))
        group = groups.get_vm_placement_groups(m.GetVmPlacementGroupsRequestBody(where=gwhere))[0]
        assert (group.vm_vm_policy, [v.id for v in group.vms]) == ("PREFER_DIFFERENT", [clone.id]), group
        self.wait(groups.delete_vm_placement_group(m.VmPlacementGroupDeletionParams(where=gwhere)))
        volumes = VmVolumeApi(self.client)
        made = volumes.create_vm_volume([m.VmVolumeCreationParams(name="sdk-grow", size=1, size_unit="GB", sharing=False, elf_storage_policy="REPLICA_2_THIN_PROVISION", cluster_id=clone.cluster.id)])
        self.wait(made)
        vwhere = m.VmVolumeWhereInput(id=made[0].data.id)
        self.wait(volumes.update_vm_volume(m.UpdateVmVolumeParams(where=vwhere, data=m.UpdateVmVolumeParamsData(size=3, size_unit="GB"))))
        assert volumes.get_vm_volumes(m.GetVmVolumesRequestBody(where=vwhere))[0].size == 3 * GIB
        self.wait(volumes.delete_vm_volume_from_vm(m.VmVolumeDeletionParams(where=vwhere)))
        self.wait(self.vm_api.delete_vm(m.VmDeleteParams(where=m.VmWhereInput(id=clone.id))))
        return {"clone": clone.id, "placement": group.vm_vm_policy}

    def step_errors(self):
        try:
            self.vm_api.get_vms({"where": {"nickname": "x"}})
            raise AssertionError("an unknown where key was accepted")
        except ApiException as e:
            body = json.loads(e.body)
            assert e.status == 400 and body["path"] == "/get-vms" and body["status"] == 400 and "nickname" in body["message"], (e.status, e.body)
        try:
            self.vm_api.get_vms({"orderBy": "nickname_ASC"})
            raise AssertionError("an orderBy outside the enum was accepted")
        except ApiException as e:
            assert e.status == 400, e.status
        stranger = cloudtower.ApiClient(cloudtower.Configuration(host=self.host))
        stranger.configuration.api_key["Authorization"] = "not-a-token"
        try:
            VmApi(stranger).get_vms(m.GetVmsRequestBody())
            raise AssertionError("a bad token was accepted")
        except ApiException as e:
            assert e.status == 401 and json.loads(e.body)["path"] == "/get-vms", (e.status, e.body)
        # A second change while the first one's task holds the VM: tried a few times, in case the first
        # task ends before the second request arrives (a slow machine).
        vm_id = self.state["vm"]
        for attempt in range(10):
            first = self.vm_api.update_vm(m.VmUpdateParams(where=m.VmWhereInput(id=vm_id), data=m.VmUpdateParamsData(description=f"locked {attempt}")))
            try:
                self.wait(self.vm_api.update_vm(m.VmUpdateParams(where=m.VmWhereInput(id=vm_id), data=m.VmUpdateParamsData(description="again"))))
            except ApiException as e:
                body = json.loads(e.body)
                assert e.status == 400 and body["code"] == "ResourceLocked" and body["props"]["locked_resources"][0]["id"] == vm_id, e.body
                break
            finally:
                self.wait(first)
        else:
            raise AssertionError("a change of a locked VM was accepted ten times")
        assert self.vm(vm_id).entity_async_status is None
        return {"checked": ["unknown where key", "orderBy enum", "bad token", "ResourceLocked"]}

    def step_delete(self):
        for key in ["vm", "from_template", "from_library"]:
            self.wait(self.vm_api.delete_vm(m.VmDeleteParams(where=m.VmWhereInput(id=self.state[key]), effect=m.VmDeleteParamsEffect(include_snapshots=True))))
        left = self.vm_api.get_vms(m.GetVmsRequestBody(where=m.VmWhereInput(name_starts_with="sdk-")))
        assert left == [], left
        self.wait(VlanApi(self.client).delete_vlan(m.VlanDeletionParams(where=m.VlanWhereInput(id=self.state["vlan"].id))))
        return {"deleted": 3}

    def step_cluster_lifecycle(self):
        api = ClusterApi(self.client)
        results = api.connect_cluster([m.ClusterCreationParams(**APPLIANCE)])
        self.wait(results)
        cluster = api.get_clusters(m.GetClustersRequestBody(where=m.ClusterWhereInput(id=results[0].data.id)))[0]
        assert (cluster.ip, cluster.connect_state) == (APPLIANCE["ip"], "CONNECTED"), cluster
        self.wait(api.update_cluster(m.ClusterUpdationParams(where=m.ClusterWhereInput(id=cluster.id), data=m.ClusterUpdationParamsData(password="new-pass"))))
        self.wait(api.delete_cluster(m.ClusterDeletionParams(where=m.ClusterWhereInput(id=cluster.id))))
        assert api.get_clusters(m.GetClustersRequestBody(where=m.ClusterWhereInput(id=cluster.id))) == []
        return {"cluster": cluster.name}

    def run(self):
        steps = [name for name in dir(self) if name.startswith("step_")]
        order = sorted(steps, key=lambda n: list(type(self).__dict__).index(n))
        for name in order:
            try:
                detail = getattr(self, name)()
                print(json.dumps({"step": name[5:], "ok": True, "detail": detail}, default=str), flush=True)
            except Exception as e:  # noqa: BLE001 - every failure is reported as the step's
                error = f"{type(e).__name__}: {e}"
                if isinstance(e, ApiException):
                    error += f" (HTTP {e.status}: {e.body})"
                print(json.dumps({"step": name[5:], "ok": False, "error": error, "trace": traceback.format_exc()}), flush=True)
                return 1
        return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True)
    p.add_argument("--username", required=True)
    p.add_argument("--password", required=True)
    a = p.parse_args()
    print(json.dumps({"sdk": "cloudtower-sdk", "version": getattr(cloudtower, "__version__", "unknown")}), flush=True)
    sys.exit(Conformance(a.url, a.username, a.password).run())


if __name__ == "__main__":
    main()
