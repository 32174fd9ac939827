import Foundation
import Testing
@testable import RunLocalAICore

/// Mixture-of-experts models bigger than the GPU: llama.cpp's `--n-cpu-moe N` keeps every layer on the GPU but the routed
/// experts of the first N layers in system RAM. Decode then reads only the active experts from RAM.
@Suite("Expert offload: every layer on the GPU, some layers' routed experts in RAM (--n-cpu-moe)")
struct ExpertOffloadTests {
    static func plan(_ model: String, on hardware: String, ram: Double = 128, context: Int = 16_384) throws -> Estimate {
        try Planner.plan(profile: try TestSupport.profile(model), system: try TestSupport.system(hardware, ramGiB: ram), settings: RunSettings(context: context))
    }

    @Test("Qwen3-Next 80B on a 24 GB card: experts of the fewest layers go to RAM, and it decodes faster than offloading whole layers")
    func choosesExpertOffload() throws {
        let e = try Self.plan("qwen3-next-80b-a3b", on: "rtx-4090")
        let n = e.profile.architecture.layers
        #expect(e.settings.cpuMoELayers > 0 && e.settings.cpuMoELayers < n)
        #expect(e.fit.gpuLayers == n + 1)
        #expect(e.fit.placement == .partial)
        #expect(e.fit.notes.contains { $0.contains("--n-cpu-moe \(e.settings.cpuMoELayers)") })
        #expect(!e.fit.notes.contains { $0.contains("the rest run from system RAM") })   // no layer is off the GPU
        // One layer fewer in RAM would not fit the card with llama.cpp's 1 GiB margin.
        var fewer = e.settings
        fewer.cpuMoELayers -= 1
        let u = MemoryModel.usage(profile: e.profile, system: e.system, settings: fewer, gpuLayers: n + 1)
        #expect(u.gpus[0].total + Planner.margin > e.system.gpus[0].usableBytes)
        // The layer split the planner would otherwise choose decodes slower.
        var layers = RunSettings(context: 16_384)
        layers.gpuLayers = 24
        let split = try Planner.plan(profile: e.profile, system: e.system, settings: layers)
        #expect(e.decode.expected > split.decode.expected)
        // The command says it.
        let server = CommandBuilder.commands(for: e, model: nil, file: nil, mmprojFile: nil)[0].command
        #expect(server.contains("--n-cpu-moe \(e.settings.cpuMoELayers)") && server.contains("-ngl \(n + 1)"))
    }

    @Test("The bytes that move are exactly the routed-expert tensors of those layers; KV and attention stay on the GPU")
    func memoryMoves() throws {
        let p = try TestSupport.profile("qwen3-next-80b-a3b")
        let system = try TestSupport.system("rtx-4090", ramGiB: 128)
        var s = RunSettings(context: 16_384)
        s.cpuRepack = false
        let all = MemoryModel.usage(profile: p, system: system, settings: s, gpuLayers: 49)
        s.cpuMoELayers = 10
        let ten = MemoryModel.usage(profile: p, system: system, settings: s, gpuLayers: 49)
        let moved = p.weights.layerExpertBytes[0..<10].reduce(0, +)
        #expect(moved > 0)
        #expect(all.gpus[0].weights - ten.gpus[0].weights == moved)
        #expect(ten.host.weights - all.host.weights == moved)
        #expect(ten.gpus[0].kvCache == all.gpus[0].kvCache)
    }

    @Test("Dense models, models that fit, and a forced -ngl are never given expert offload")
    func onlyWhenItHelps() throws {
        #expect(try Self.plan("llama-3.3-70b", on: "rtx-4090").settings.cpuMoELayers == 0)
        #expect(try Self.plan("qwen3-30b-a3b", on: "rtx-4090").settings.cpuMoELayers == 0)
        var forced = RunSettings(context: 16_384)
        forced.gpuLayers = 20
        let e = try Planner.plan(profile: try TestSupport.profile("qwen3-next-80b-a3b"), system: try TestSupport.system("rtx-4090", ramGiB: 128), settings: forced)
        #expect(e.settings.cpuMoELayers == 0)
    }
}
