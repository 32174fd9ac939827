import ArgumentParser
import Foundation
import RunLocalAIAgent
import RunLocalAICore

/// `runlocalai detect [--json]`: what this machine is, as the planner will see it.
struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Detect this machine's CPU, RAM, GPUs and OS, and match them to the catalog.",
        discussion: """
        Reads /proc/cpuinfo, /proc/meminfo, lscpu, /etc/os-release, /sys/class/drm (AMD and Intel GPUs without \
        vendor tools), the DMI chassis type and batteries, and runs nvidia-smi, rocm-smi, amd-smi and udevadm \
        (memory slots, no root needed) when installed — each with a timeout. On a Mac: sysctl, \
        system_profiler SPDisplaysDataType and sw_vers. Every GPU is matched to a catalog hardware id by name, \
        with the reported memory telling variants apart (an RTX 3060 with 12288 MiB is rtx-3060-12gb); a \
        device that matches nothing, or several entries equally, gets catalog_id null and the reason. Nothing \
        leaves the machine.

        JSON (--json): cpu{model,cores,threads,...}, memory{total_bytes,available_bytes,bandwidth_gbs,...}, \
        gpus[{name,memory_bytes,backend,catalog_id,catalog_reason,...}], os, form, probes, notes.

        Examples:
          runlocalai detect
          runlocalai detect --json | jq '.gpus[].catalog_id'
        """)

    @Flag(help: "Print the detection as JSON (snake_case keys).") var json = false
    @OptionGroup var catalogOptions: CatalogOptions

    func run() async throws {
        let catalog = try catalogOptions.load()
        let detected = await SystemProbe.detect(catalog: catalog)
        if json { try printJSON(detected) } else { print(DetectReport.text(detected, catalog: catalog)) }
    }
}
