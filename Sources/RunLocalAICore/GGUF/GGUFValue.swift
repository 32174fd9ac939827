/// The type tag of a GGUF metadata value (`gguf_type` in ggml's `gguf.h`).
///
/// ```swift
/// GGUFValueType(rawValue: 8)   // .string
/// GGUFValueType.uint32.fixedSize   // 4
/// ```
public enum GGUFValueType: UInt32, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Bytes of one value of a fixed-size type; nil for strings and arrays.
    public var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }

    /// The fewest bytes one value of this type can take in a file (a string is at least its 8-byte length,
    /// an array at least its 4-byte type and 8-byte count).
    public var minimumSize: Int { fixedSize ?? (self == .string ? 8 : 12) }

    /// The name gguf-py uses ("UINT32", "STRING", ...).
    public var description: String {
        switch self {
        case .uint8: "UINT8"
        case .int8: "INT8"
        case .uint16: "UINT16"
        case .int16: "INT16"
        case .uint32: "UINT32"
        case .int32: "INT32"
        case .float32: "FLOAT32"
        case .bool: "BOOL"
        case .string: "STRING"
        case .array: "ARRAY"
        case .uint64: "UINT64"
        case .int64: "INT64"
        case .float64: "FLOAT64"
        }
    }
}

/// One GGUF metadata value.
///
/// Numbers keep their stored width; the accessors convert when the value fits.
///
/// ```swift
/// let v = GGUFValue.uint32(4096)
/// v.int        // 4096
/// v.type       // .uint32
/// GGUFValue.string("gemma3").string   // "gemma3"
/// ```
public indirect enum GGUFValue: Sendable, Hashable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String), array(GGUFArray)
    case uint64(UInt64), int64(Int64), float64(Double)

    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .float32: .float32
        case .bool: .bool
        case .string: .string
        case .array: .array
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        }
    }

    /// The value as an `Int` if it is an integer that fits.
    public var int: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(exactly: v)
        default: nil
        }
    }

    /// The value as a `UInt64` if it is a non-negative integer.
    public var uint64: UInt64? {
        switch self {
        case .uint64(let v): v
        case .int64(let v): UInt64(exactly: v)
        default: int.flatMap { UInt64(exactly: $0) }
        }
    }

    /// The value as a `Double` if it is a number.
    public var double: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        case .uint64(let v): Double(v)
        case .int64(let v): Double(v)
        default: int.map(Double.init)
        }
    }

    public var bool: Bool? { if case .bool(let v) = self { v } else { nil } }
    public var string: String? { if case .string(let v) = self { v } else { nil } }
    public var array: GGUFArray? { if case .array(let v) = self { v } else { nil } }
}

/// A GGUF array value: its element type, its length, and its elements when they were kept.
///
/// Big arrays (a tokenizer's 262 144 tokens) are skipped rather than decoded: ``count`` is always known,
/// ``values`` is nil when the array was longer than the reader's ``GGUFReader/Options/arrayValueLimit``.
///
/// ```swift
/// let tokens = file.metadata["tokenizer.ggml.tokens"]?.array
/// tokens?.count         // 262144
/// tokens?.elementType   // .string
/// tokens?.values        // nil (skipped)
/// ```
public struct GGUFArray: Sendable, Hashable {
    public var elementType: GGUFValueType
    public var count: UInt64
    /// The elements, or nil when the reader skipped them.
    public var values: [GGUFValue]?

    public init(elementType: GGUFValueType, count: UInt64, values: [GGUFValue]?) {
        self.elementType = elementType
        self.count = count
        self.values = values
    }

    public init(_ values: [GGUFValue], elementType: GGUFValueType) {
        self.init(elementType: elementType, count: UInt64(values.count), values: values)
    }

    /// The elements as integers, if they were kept and all are integers that fit.
    public var ints: [Int]? {
        guard let values else { return nil }
        var out: [Int] = []
        out.reserveCapacity(values.count)
        for v in values {
            guard let i = v.int else { return nil }
            out.append(i)
        }
        return out
    }

    /// The elements as booleans, if they were kept and all are booleans.
    public var bools: [Bool]? {
        guard let values else { return nil }
        var out: [Bool] = []
        out.reserveCapacity(values.count)
        for v in values {
            guard let b = v.bool else { return nil }
            out.append(b)
        }
        return out
    }
}

/// A GGUF file's key–value metadata, in file order, with lookup by key.
///
/// ```swift
/// file.metadata["general.architecture"]?.string   // "llama"
/// file.metadata.keys.first                        // "general.architecture"
/// ```
public struct GGUFMetadata: Sendable, Hashable, Sequence {
    public private(set) var keys: [String] = []
    private var storage: [String: GGUFValue] = [:]

    public init() {}

    public init(_ pairs: [(String, GGUFValue)]) {
        for (k, v) in pairs where storage[k] == nil {
            keys.append(k)
            storage[k] = v
        }
    }

    public var count: Int { keys.count }

    public subscript(key: String) -> GGUFValue? { storage[key] }

    public func contains(_ key: String) -> Bool { storage[key] != nil }

    /// Inserts a pair; returns false (and changes nothing) when the key is already present.
    @discardableResult
    mutating func insert(_ key: String, _ value: GGUFValue) -> Bool {
        guard storage[key] == nil else { return false }
        keys.append(key)
        storage[key] = value
        return true
    }

    public func makeIterator() -> AnyIterator<(key: String, value: GGUFValue)> {
        var index = 0
        return AnyIterator {
            guard index < keys.count else { return nil }
            defer { index += 1 }
            let key = keys[index]
            return (key, storage[key]!)
        }
    }
}
