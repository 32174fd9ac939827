import Foundation
import RunLocalAITestSupport
@testable import RunLocalAICore

/// The malformed-file corpus in `Tests/Fixtures/gguf-malformed/`: each file is a small GGUF with one
/// defect, named for it, and the error the reader must throw — kind and byte offset, the offset taken
/// from where the writer put the defect, not from the reader.
///
/// Regenerate the files with `RUNLOCALAI_REGENERATE_FIXTURES=1 swift test --filter GGUFMalformed`.
enum GGUFMalformedCorpus {
    struct Case: Sendable {
        var name: String
        var bytes: [UInt8]
        var kind: GGUFError.Kind
        var offset: UInt64
    }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/gguf-malformed")

    /// A small valid model: three metadata entries and two tensors with real (zero) data.
    static func base() -> GGUFTestWriter {
        var w = GGUFTestWriter()
        w.add("general.architecture", "llama")
        w.add("general.name", "tiny")
        w.add("tokenizer.ggml.tokens", strings: ["<s>", "</s>", "a"])
        w.tensor("token_embd.weight", [32, 3], .q8_0)
        w.tensor("output_norm.weight", [32], .f32)
        return w
    }

    static func patched(_ bytes: [UInt8], at offset: UInt64, u64 value: UInt64) -> [UInt8] {
        var b = bytes
        withUnsafeBytes(of: value.littleEndian) { b.replaceSubrange(Int(offset)..<Int(offset) + 8, with: $0) }
        return b
    }

    static func patched(_ bytes: [UInt8], at offset: UInt64, u32 value: UInt32) -> [UInt8] {
        var b = bytes
        withUnsafeBytes(of: value.littleEndian) { b.replaceSubrange(Int(offset)..<Int(offset) + 4, with: $0) }
        return b
    }

    static var cases: [Case] {
        var out: [Case] = []
        let valid = base()
        let (_, layout) = valid.header()
        let file = valid.fileBytes()

        out.append(Case(name: "empty.gguf", bytes: [], kind: .truncated, offset: 0))
        out.append(Case(name: "bad-magic.gguf", bytes: Array("GGML".utf8) + file.dropFirst(4), kind: .badMagic, offset: 0))
        out.append(Case(name: "html-error-page.gguf",
                        bytes: Array("<!DOCTYPE html><html><body>Not found</body></html>".utf8), kind: .badMagic, offset: 0))
        out.append(Case(name: "version-1.gguf", bytes: patched(file, at: 4, u32: 1), kind: .unsupportedVersion, offset: 4))
        out.append(Case(name: "version-99.gguf", bytes: patched(file, at: 4, u32: 99), kind: .unsupportedVersion, offset: 4))
        out.append(Case(name: "truncated-in-fixed-header.gguf", bytes: Array(file.prefix(12)), kind: .truncated, offset: 8))
        // Cut inside the value of general.name: its length now points past the end of the file.
        let nameBytes = layout.kvValues[1] + 8
        out.append(Case(name: "truncated-in-metadata-string.gguf", bytes: Array(file.prefix(Int(nameBytes) + 2)),
                        kind: .lengthPastEnd, offset: layout.kvValues[1]))
        // Cut inside the type tag of the third entry.
        out.append(Case(name: "truncated-in-value-type.gguf", bytes: Array(file.prefix(Int(layout.kvTypes[2]) + 2)),
                        kind: .truncated, offset: layout.kvTypes[2]))
        // Cut inside the second tensor entry's dimension.
        let dim = layout.tensorDims[1][0]
        out.append(Case(name: "truncated-in-tensor-info.gguf", bytes: Array(file.prefix(Int(dim) + 3)), kind: .truncated, offset: dim))
        out.append(Case(name: "tensor-count-2e60.gguf", bytes: patched(file, at: 8, u64: 1 << 60), kind: .countTooLarge, offset: 8))
        out.append(Case(name: "metadata-count-2e60.gguf", bytes: patched(file, at: 16, u64: 1 << 60), kind: .countTooLarge, offset: 16))
        // The tokens array: type (4) then count (8).
        let tokensCount = layout.kvValues[2] + 4
        out.append(Case(name: "array-count-2e60.gguf", bytes: patched(file, at: tokensCount, u64: 1 << 60),
                        kind: .countTooLarge, offset: tokensCount))
        out.append(Case(name: "string-length-past-end.gguf", bytes: patched(file, at: layout.kvValues[1], u64: 1 << 40),
                        kind: .lengthPastEnd, offset: layout.kvValues[1]))
        out.append(Case(name: "key-length-past-end.gguf", bytes: patched(file, at: layout.kvEntries[1], u64: UInt64(file.count)),
                        kind: .lengthPastEnd, offset: layout.kvEntries[1]))
        out.append(Case(name: "tensor-name-length-past-end.gguf",
                        bytes: patched(file, at: layout.tensorEntries[0], u64: UInt64.max),
                        kind: .lengthPastEnd, offset: layout.tensorEntries[0]))
        out.append(Case(name: "unknown-value-type.gguf", bytes: patched(file, at: layout.kvTypes[1], u32: 13),
                        kind: .unknownValueType, offset: layout.kvTypes[1]))
        out.append(Case(name: "unknown-array-element-type.gguf", bytes: patched(file, at: layout.kvValues[2], u32: 0xFFFF_FFFF),
                        kind: .unknownValueType, offset: layout.kvValues[2]))
        out.append(Case(name: "unknown-ggml-type.gguf", bytes: patched(file, at: layout.tensorTypes[0], u32: 99),
                        kind: .unknownTensorType, offset: layout.tensorTypes[0]))
        out.append(Case(name: "removed-ggml-type-q4_0_8_8.gguf", bytes: patched(file, at: layout.tensorTypes[0], u32: 33),
                        kind: .removedTensorType, offset: layout.tensorTypes[0]))
        out.append(Case(name: "n-dims-5.gguf", bytes: patched(file, at: layout.tensorNDims[0], u32: 5),
                        kind: .tooManyDimensions, offset: layout.tensorNDims[0]))
        out.append(Case(name: "tensor-offset-past-end.gguf", bytes: patched(file, at: layout.tensorOffsetFields[1], u64: 1 << 20),
                        kind: .tensorPastEnd, offset: layout.tensorOffsetFields[1]))
        out.append(Case(name: "tensor-offset-misaligned.gguf", bytes: patched(file, at: layout.tensorOffsetFields[1], u64: 8),
                        kind: .misalignedTensor, offset: layout.tensorOffsetFields[1]))

        var dup = base()
        dup.add("general.name", "again")
        let dupLayout = dup.header().layout
        out.append(Case(name: "duplicate-key.gguf", bytes: dup.fileBytes(), kind: .duplicateKey, offset: dupLayout.kvEntries[3]))

        var dupTensor = base()
        dupTensor.tensor("output_norm.weight", [32], .f32)
        out.append(Case(name: "duplicate-tensor-name.gguf", bytes: dupTensor.fileBytes(), kind: .duplicateTensor,
                        offset: dupTensor.header().layout.tensorEntries[2]))

        var overflow = base()
        overflow.tensor("huge", [1 << 32, 1 << 32], .f32, offset: 0)
        out.append(Case(name: "dimension-product-overflow.gguf", bytes: overflow.header().bytes + [UInt8](repeating: 0, count: 256),
                        kind: .dimensionOverflow, offset: overflow.header().layout.tensorDims[2][1]))

        var row = base()
        row.tensor("blk.0.ffn_down.weight", [100, 2], .q4_K)
        out.append(Case(name: "row-not-multiple-of-block.gguf", bytes: row.fileBytes(), kind: .invalidRowSize,
                        offset: row.header().layout.tensorNDims[2]))

        var overlap = base()
        overlap.tensor("overlapping.weight", [32], .f32, offset: 64)   // inside token_embd's 102 bytes
        out.append(Case(name: "tensors-overlap.gguf", bytes: overlap.fileBytes(), kind: .overlappingTensors,
                        offset: overlap.header().layout.tensorOffsetFields[2]))

        var alignment = base()
        alignment.add("general.alignment", 48)
        out.append(Case(name: "alignment-not-power-of-two.gguf", bytes: alignment.fileBytes(), kind: .badAlignment,
                        offset: alignment.header().layout.kvEntries[3]))
        var alignZero = base()
        alignZero.add("general.alignment", 0)
        out.append(Case(name: "alignment-zero.gguf", bytes: alignZero.fileBytes(), kind: .badAlignment,
                        offset: alignZero.header().layout.kvEntries[3]))
        var alignString = base()
        alignString.add("general.alignment", "32")
        out.append(Case(name: "alignment-is-a-string.gguf", bytes: alignString.fileBytes(), kind: .wrongValueType,
                        offset: alignString.header().layout.kvEntries[3]))

        // 20 nested arrays of one element each; the 9th level is too deep (limit 8).
        var nested = GGUFTestWriter()
        var value = GGUFValue.uint8(1)
        for _ in 0..<20 { value = .array(GGUFArray([value], elementType: value.type)) }
        nested.add("deep", value)
        let deepStart = nested.header().layout.kvValues[0] + 8 * 12
        out.append(Case(name: "arrays-nested-20-deep.gguf", bytes: nested.fileBytes(), kind: .nestingTooDeep, offset: deepStart))
        return out
    }
}
