import Foundation
import Testing
import RunLocalAITestSupport
@testable import RunLocalAICore

/// The `runlocalai` executable as a user runs it: exit codes, one-line errors, the stable JSON contract.
@Suite("The runlocalai command line")
struct CLITests {
    static let binary = RunLocalAIBinary.path
    typealias Result = RunLocalAIBinary.Result

    static func run(_ args: [String]) throws -> Result { try RunLocalAIBinary.run(args) }

    @Test("--json keeps the stable contract", .enabled(if: binary != nil, "build the runlocalai executable first (swift build)"))
    func jsonContract() throws {
        let r = try Self.run(["will-it-run", "--model", "llava 1.6 mistral 7b", "--quant", "Q4_K_M", "--hardware", "RTX 3060 12GB",
                              "--ctx", "4096", "--images", "1", "--json"])
        #expect(r.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        for key in ["model", "quant", "hardware", "context", "images", "memory", "fit", "speed", "commands"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let memory = try #require(object["memory"] as? [String: Any])
        for key in ["weights_bytes", "repack_bytes", "vision_bytes", "kv_cache_bytes", "compute_bytes", "overhead_bytes", "total_bytes", "gpu_bytes", "cpu_bytes"] {
            #expect(memory[key] is NSNumber, "memory.\(key)")
        }
        let fit = try #require(object["fit"] as? [String: Any])
        for key in ["tier", "placement", "gpu_layers", "total_layers", "headroom_bytes"] { #expect(fit[key] != nil, "fit.\(key)") }
        let speed = try #require(object["speed"] as? [String: Any])
        let decode = try #require(speed["decode_tps"] as? [String: Any])
        #expect(decode["low"] != nil && decode["expected"] != nil && decode["high"] != nil)
        #expect(speed["evidence"] as? String == "estimated")
        let hardware = try #require(object["hardware"] as? [String: Any])
        #expect(hardware["id"] as? String == "rtx-3060-12gb" && hardware["count"] as? Int == 1)
        let commands = try #require(object["commands"] as? [[String: Any]])
        #expect(commands.contains { ($0["command"] as? String)?.contains("--image") == true })
    }

    @Test("catalog stats --json counts the catalog and the content: at least 300 glossary terms in 19 categories, 60 error articles, the sections' files",
          .enabled(if: binary != nil, "build the runlocalai executable first (swift build)"))
    func catalogStats() throws {
        let r = try Self.run(["catalog", "stats", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Int])
        #expect((o["glossary_terms"] ?? 0) >= 300)
        #expect(o["glossary_categories"] == 19)
        #expect((o["error_articles"] ?? 0) >= 60)
        for key in ["hardware_combos", "systems", "parts", "learning_paths", "stacks"] { #expect((o[key] ?? 0) > 0, "\(key)") }
    }

    @Test("Bad input exits non-zero with one clear line", .enabled(if: binary != nil, "build the runlocalai executable first (swift build)"),
          arguments: [
            (["--model", "lllama 9.9 99b", "--hardware", "rtx 4090"], "did you mean"),
            (["--model", "llama 3.1 8b", "--hardware", "rtx 9999 ultra"], "unknown hardware"),
            (["--model", "llama 3.1 8b", "--hardware", "RTX 3060"], "ambiguous"),
            (["--model", "llama 3.1 8b", "--hardware", "rtx 4090", "--ctx=-5"], "context"),
            (["--model", "llama 3.1 8b", "--hardware", "rtx 4090", "--ctx", "999999999"], "context"),
            (["--model", "llama 3.1 8b", "--hardware", "0x rtx 3090"], "at least one"),
            (["--model", "llama 3.1 8b", "--hardware", "rtx 4090", "--quant", "Q4_K_X"], "unknown quantisation"),
            (["--model", "llama 3.1 8b", "--hardware", "rtx 4090", "--kv-type", "q8_0", "--flash-attn", "off"], "flash attention"),
          ])
    func badInput(args: [String], message: String) throws {
        let r = try Self.run(["will-it-run"] + args)
        #expect(r.status != 0)
        #expect((r.stderr + r.stdout).localizedCaseInsensitiveContains(message), "\(r.stderr)")
    }

    @Test("calibrate --json gives the summary contract", .enabled(if: binary != nil && !CalibrationTests.calibrationFiles.isEmpty))
    func calibrateJSON() throws {
        let r = try Self.run(["calibrate", "--json"] + CalibrationTests.calibrationFiles.map(\.path))
        #expect(r.status == 0)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(o["rows"] is Int && o["resolved"] is Int && o["unresolved"] is [Any])
        let decode = try #require(o["decode"] as? [String: Any])
        #expect(decode["median_ape"] is Double && decode["max_ape"] is Double)
    }
}
