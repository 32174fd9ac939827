import Foundation
import RunLocalAIAgent
import RunLocalAICore

/// The human report of a detection.
enum DetectReport {
    static func gib(_ b: UInt64) -> String { String(format: "%.1f GiB", Double(b) / 1_073_741_824) }

    static func text(_ d: DetectedSystem, catalog: Catalog) -> String {
        var lines: [String] = []
        var cpu = "\(d.cpu.model): \(d.cpu.cores) cores, \(d.cpu.threads) threads"
        if let s = d.cpu.simd { cpu += ", \(s.uppercased())" }
        if let mhz = d.cpu.maxMHz { cpu += String(format: ", %.2f GHz", mhz / 1000) }
        if d.cpu.virtualMachine { cpu += " (virtual machine)" }
        lines.append("CPU      \(cpu)")
        lines.append("         catalog: \(d.cpu.catalogID ?? "none (\(d.cpu.catalogReason ?? "no match"))")")
        var mem = "\(gib(d.memory.totalBytes)) total"
        if let a = d.memory.availableBytes { mem += ", \(gib(a)) available" }
        lines.append("Memory   \(mem)")
        lines.append(String(format: "         %.1f GB/s for the CPU: %@", d.memory.bandwidthGBs, d.memory.bandwidthSource))
        if let c = d.memory.classID { lines.append("         catalog class: \(c)") }
        if d.gpus.isEmpty {
            lines.append("GPUs     none found: llama.cpp will run on the CPU")
        }
        for (i, g) in d.gpus.enumerated() {
            var s = "\(g.name)"
            if let m = g.memoryBytes { s += ", \(gib(m))" + (g.integrated ? " addressable" : "") }
            if let f = g.memoryFreeBytes { s += " (\(gib(f)) free)" }
            s += ", \(g.backend.displayName)"
            if let drv = g.driver { s += ", driver \(drv)" }
            if g.integrated { s += ", integrated" }
            lines.append("\(i == 0 ? "GPUs     " : "         ")\(s)  [\(g.source)]")
            if let id = g.catalogID {
                lines.append("           catalog: \(id)" + (g.catalogMemoryGiB.map { " (\(Int($0)) GB variant)" } ?? ""))
            } else {
                lines.append("           catalog: none (\(g.catalogReason ?? "no match"))")
            }
        }
        lines.append("OS       \(d.os)")
        lines.append("Form     \(d.form.kind) (\(d.form.evidence))")
        let (system, planNotes) = d.targetSystem(catalog: catalog)
        let plannedAs: String
        if system.gpus.isEmpty {
            plannedAs = String(format: "CPU only: %@ RAM, %.1f GB/s, %.2f TFLOPS FP32 peak", gib(system.host.ramBytes), system.host.bandwidthGBs,
                               system.host.fp32TFLOPS)
        } else {
            plannedAs = system.gpus.map { "\($0.name) (\(gib($0.usableBytes)) usable, \($0.backend.displayName))" }.joined(separator: " + ")
                + (system.unifiedMemory ? " (unified memory)" : " + \(gib(system.host.ramBytes)) RAM")
        }
        lines.append("Plans as \(plannedAs)")
        let ids = d.hardwareIDs
        lines.append("Hardware ids for benchmarks: \(ids.isEmpty ? "none" : ids.joined(separator: ", "))\(d.hardwareCount > 1 ? " ×\(d.hardwareCount)" : "")")
        let tried = d.probes.map { p in p.status == "ok" ? "\(p.name) ok" : "\(p.name) \(p.status)" + (p.message.map { ": \($0)" } ?? "") }
        lines.append("")
        lines.append("Probes:")
        for t in tried { lines.append("  \(t)") }
        let notes = d.notes + planNotes.filter { !d.notes.contains($0) }
        if !notes.isEmpty {
            lines.append("")
            for n in notes { lines.append("Note: \(n)") }
        }
        return lines.joined(separator: "\n")
    }
}

