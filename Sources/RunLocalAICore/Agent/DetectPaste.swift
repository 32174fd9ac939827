import Foundation

/// Reads the output of `runlocalai detect` (its text or its `--json`) pasted into the Start page: the hardware name
/// the catalog matched and the system RAM. Only the lines `detect` writes are read; nothing is guessed from free text.
///
/// ```swift
/// let m = try DetectPaste.parse("...\nHardware ids for benchmarks: rtx-3090 ×2\n")
/// m.hardware   // "2x rtx-3090"
/// ```
public enum DetectPaste {
    public struct Machine: Sendable, Hashable {
        public var hardware: String
        public var ramGiB: Double?
        public var notes: [String]
    }
    public struct PasteError: Error, CustomStringConvertible, Sendable, Equatable {
        public var description: String
    }
    public static let maxBytes = 64 * 1024

    public static func parse(_ text: String) throws(PasteError) -> Machine {
        guard text.utf8.count <= maxBytes else { throw PasteError(description: "the pasted text is over \(maxBytes / 1024) KiB; paste only the output of `runlocalai detect`") }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") { return try json(trimmed) }
        var ids: [String] = [], count = 1, ram: Double?, variant: Double?
        for raw in trimmed.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("Hardware ids for benchmarks:") {
                var rest = String(line.dropFirst("Hardware ids for benchmarks:".count)).trimmingCharacters(in: .whitespaces)
                if let x = rest.range(of: " ×") { count = Int(rest[x.upperBound...].trimmingCharacters(in: .whitespaces)) ?? 1; rest = String(rest[..<x.lowerBound]) }
                ids = rest == "none" ? [] : rest.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            } else if line.hasPrefix("Memory"), let r = line.range(of: " GiB total") {
                let number = line[..<r.lowerBound].split(separator: " ").last.map(String.init) ?? ""
                ram = Double(number)
            } else if variant == nil, line.hasPrefix("catalog:"), let r = line.range(of: " GB variant)") {
                let number = line[..<r.lowerBound].split(separator: "(").last.map(String.init) ?? ""
                variant = Double(number)
            }
        }
        guard let first = ids.first else {
            throw PasteError(description: "no 'Hardware ids for benchmarks:' line with a catalog id; paste the whole output of `runlocalai detect` (or `--json`), or name the hardware instead")
        }
        return machine(first, count: count, variant: variant, ram: ram, others: Array(ids.dropFirst()))
    }

    static func json(_ text: String) throws(PasteError) -> Machine {
        guard let obj = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw PasteError(description: "the pasted text starts with '{' but is not valid JSON; paste the whole output of `runlocalai detect --json`")
        }
        let gpus = (obj["gpus"] as? [[String: Any]]) ?? []
        let matched = gpus.compactMap { $0["catalog_id"] as? String }
        let ram = ((obj["memory"] as? [String: Any])?["total_bytes"] as? NSNumber).map { $0.doubleValue / 1_073_741_824 }
        if let first = matched.first {
            let variant = (gpus.first { ($0["catalog_id"] as? String) == first }?["catalog_memory_gib"] as? NSNumber)?.doubleValue
            return machine(first, count: matched.filter { $0 == first }.count, variant: variant, ram: ram,
                           others: Array(Set(matched.filter { $0 != first })).sorted())
        }
        if let cpu = ((obj["cpu"] as? [String: Any])?["catalog_id"] as? String) ?? ((obj["memory"] as? [String: Any])?["class_id"] as? String) {
            return machine(cpu, count: 1, variant: nil, ram: ram, others: [])
        }
        throw PasteError(description: "the JSON names no catalog id (gpus[].catalog_id, cpu.catalog_id); name the hardware instead")
    }

    static func machine(_ id: String, count: Int, variant: Double?, ram: Double?, others: [String]) -> Machine {
        var hw = count > 1 ? "\(count)x \(id)" : id
        if let v = variant { hw += " \(Int(v))GB" }
        var notes: [String] = []
        if !others.isEmpty { notes.append("the machine also has \(others.joined(separator: ", ")); answered for \(hw) only (mixed cards: see the custom build page)") }
        return Machine(hardware: hw, ramGiB: ram.map { ($0 * 10).rounded() / 10 }, notes: notes)
    }
}
