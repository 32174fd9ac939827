import Foundation
import RunLocalAICore

extension SysfsCard {
    /// Reads `root/card*/device/<fileNames>` (connector entries like card0-DP-1 are skipped).
    public static func read(root: String) -> [SysfsCard] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: root) else { return [] }
        var cards: [SysfsCard] = []
        for name in names.sorted() where name.hasPrefix("card") && !name.contains("-") {
            var files: [String: String] = [:]
            for f in fileNames {
                if let s = try? String(contentsOfFile: "\(root)/\(name)/device/\(f)", encoding: .utf8) {
                    files[f] = s.trimmingCharacters(in: .whitespacesAndNewlines)
                }
            }
            if !files.isEmpty { cards.append(SysfsCard(card: name, files: files)) }
        }
        return cards
    }
}
