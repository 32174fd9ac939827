/// A coding key that accepts any string, used to list the keys a file actually holds.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

extension Decoder {
    /// Throws when the mapping being decoded holds a key not in `allowed`, so a typo in a catalog file
    /// ("bandwith_gbs") is an error that names the key, never a silently missing number.
    func rejectUnknownKeys<K: CodingKey & CaseIterable>(_ keys: K.Type) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let allowed = Set(K.allCases.map(\.stringValue))
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            let known = K.allCases.map(\.stringValue).sorted().joined(separator: ", ")
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [key],
                debugDescription: "unknown key '\(key.stringValue)'; known keys: \(known)"))
        }
    }
}
