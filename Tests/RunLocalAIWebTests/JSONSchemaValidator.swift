import Foundation

/// A JSON value decoded strictly (booleans, integers and other numbers kept apart).
indirect enum JSONValue: Decodable, Equatable, CustomStringConvertible {
    case null, bool(Bool), int(Int64), double(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    static func parse(_ data: Data) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: data) }

    subscript(_ key: String) -> JSONValue? { if case .object(let o) = self { return o[key] }; return nil }
    subscript(_ i: Int) -> JSONValue? { if case .array(let a) = self, i < a.count { return a[i] }; return nil }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var int: Int64? { if case .int(let i) = self { return i }; return nil }
    var number: Double? {
        switch self { case .int(let i): Double(i); case .double(let d): d; default: nil }
    }
    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    var object: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .int(let i): "\(i)"
        case .double(let d): "\(d)"
        case .string(let s): "\"\(s.prefix(60))\""
        case .array(let a): "[\(a.count) items]"
        case .object(let o): "{\(o.keys.sorted().prefix(6).joined(separator: ","))}"
        }
    }
}

/// A JSON-Schema subset validator for the OpenAPI document: `type` (one or a list), `properties`, `required`,
/// `items`, `enum`, `minimum`/`maximum`, `additionalProperties` (as a schema) and `$ref` into
/// `#/components/schemas`. Returns every violation with its JSON path.
struct JSONSchemaValidator {
    let document: JSONValue

    func resolve(_ schema: JSONValue) -> JSONValue? {
        guard let ref = schema["$ref"]?.string else { return schema }
        let prefix = "#/components/schemas/"
        guard ref.hasPrefix(prefix) else { return nil }
        return document["components"]?["schemas"]?[String(ref.dropFirst(prefix.count))]
    }

    func validate(_ value: JSONValue, against schema: JSONValue, path: String = "$") -> [String] {
        guard let s = resolve(schema) else { return ["\(path): unresolvable $ref \(schema["$ref"]?.string ?? "?")"] }
        var errors: [String] = []
        if let t = s["type"] {
            let types = t.array?.compactMap(\.string) ?? [t.string ?? ""]
            if !types.contains(where: { matches(value, type: $0) }) {
                return ["\(path): expected \(types.joined(separator: "|")), got \(value)"]
            }
        }
        if let e = s["enum"]?.array, !e.contains(value) {
            errors.append("\(path): \(value) is not one of \(e.map(\.description).joined(separator: ", "))")
        }
        if let min = s["minimum"]?.number, let n = value.number, n < min { errors.append("\(path): \(n) < minimum \(min)") }
        if let max = s["maximum"]?.number, let n = value.number, n > max { errors.append("\(path): \(n) > maximum \(max)") }
        if case .object(let o) = value {
            for key in s["required"]?.array?.compactMap(\.string) ?? [] where o[key] == nil {
                errors.append("\(path): missing required '\(key)'")
            }
            let props = s["properties"]?.object ?? [:]
            for (k, v) in o {
                if let ps = props[k] { errors += validate(v, against: ps, path: "\(path).\(k)") }
                else if let ap = s["additionalProperties"], ap.object != nil { errors += validate(v, against: ap, path: "\(path).\(k)") }
                else if s["properties"] != nil, s["additionalProperties"] == nil {
                    errors.append("\(path): property '\(k)' is not in the schema")
                }
            }
        }
        if case .array(let a) = value, let items = s["items"] {
            for (i, v) in a.enumerated() { errors += validate(v, against: items, path: "\(path)[\(i)]") }
        }
        return errors
    }

    func matches(_ v: JSONValue, type: String) -> Bool {
        switch (type, v) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null), ("integer", .int): true
        case ("number", .int), ("number", .double): true
        default: false
        }
    }

    /// The response schema of `method path` for `status`, nil when the document gives none (no body).
    func responseSchema(path: String, method: String, status: Int) -> JSONValue? {
        document["paths"]?[path]?[method]?["responses"]?[String(status)]?["content"]?["application/json"]?["schema"]
    }

    /// Whether the document lists `status` for the operation at all.
    func documents(path: String, method: String, status: Int) -> Bool {
        document["paths"]?[path]?[method]?["responses"]?[String(status)] != nil
    }
}
