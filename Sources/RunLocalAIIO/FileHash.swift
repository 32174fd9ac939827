import Foundation
import RunLocalAICore

extension SHA256 {
    /// Hash of the first `limit` bytes of a file (the whole file when smaller).
    public static func hexOfFile(_ path: String, limit: Int = 1 << 20) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: limit) ?? Data()
        return hex(data)
    }
}
