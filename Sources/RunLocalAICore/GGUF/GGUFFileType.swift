/// `general.file_type`: the quantization recipe a file was made with (llama.cpp's `llama_ftype`).
///
/// The names are the ones `llama-quantize` takes ("Q4_K_M"), from gguf-py's `LlamaFileType`.
///
/// ```swift
/// GGUFFileType(rawValue: 15).name   // "Q4_K_M"
/// GGUFFileType(rawValue: 7).name    // "Q8_0"
/// GGUFFileType(rawValue: 99).name   // "unknown (99)"
/// ```
public struct GGUFFileType: Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The `llama-quantize` name, or "unknown (N)".
    public var name: String { Self.names[rawValue] ?? "unknown (\(rawValue))" }

    /// Whether llama.cpp knows this file type.
    public var isKnown: Bool { Self.names[rawValue] != nil }

    public var description: String { name }

    static let names: [Int: String] = [
        0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 4: "Q4_1_SOME_F16", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1",
        10: "Q2_K", 11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
        17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS",
        24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS",
        31: "IQ1_M", 32: "BF16", 33: "Q4_0_4_4", 34: "Q4_0_4_8", 35: "Q4_0_8_8", 36: "TQ1_0", 37: "TQ2_0",
        38: "MXFP4_MOE", 39: "NVFP4", 40: "Q1_0", 1024: "GUESSED",
    ]
}
