/// Why a GGUF file could not be read, where, and what to do about it.
///
/// Every problem the reader finds names the byte offset it was reading, the problem itself, and a hint
/// for the fix. The reader never crashes or hangs on a hostile file; it throws one of these.
///
/// ```swift
/// do {
///     let file = try GGUFReader.parse(bytes: bytes)
/// } catch let error as GGUFError {
///     print(error)   // "at byte 24: tensor count 1152921504606846976 is larger than ... — re-download it"
///     error.kind     // .countTooLarge
///     error.offset   // 16
/// }
/// ```
public struct GGUFError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem, stable for tests and for `--json` output.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case truncated
        case badMagic
        case unsupportedVersion
        case countTooLarge
        case lengthPastEnd
        case unknownValueType
        case unknownTensorType
        case removedTensorType
        case duplicateKey
        case duplicateTensor
        case tooManyDimensions
        case dimensionOverflow
        case invalidRowSize
        case badAlignment
        case misalignedTensor
        case tensorPastEnd
        case overlappingTensors
        case nestingTooDeep
        case headerTooLarge
        case wrongValueType
        case missingKey
        case invalidValue
        case missingSplitPart
        case splitMismatch
        case io
        case http
    }

    public var kind: Kind
    /// Absolute byte offset in the file where the problem was found, if it is about a place in the file.
    public var offset: UInt64?
    /// What is wrong, in words.
    public var problem: String
    /// What the user can do about it.
    public var hint: String

    public init(_ kind: Kind, at offset: UInt64?, _ problem: String, hint: String) {
        self.kind = kind
        self.offset = offset
        self.problem = problem
        self.hint = hint
    }

    public var description: String {
        let place = offset.map { "at byte \($0): " } ?? ""
        return "\(place)\(problem) — \(hint)"
    }

    // MARK: Common hints

    static let corruptHint = "the file is not a GGUF model or is corrupt — re-download it"
    static let truncatedHint = "the file is incomplete (an interrupted download?) — re-download it"
}
