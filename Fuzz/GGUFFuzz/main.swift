// libFuzzer entry for the GGUF reader: every input is parsed as a whole file, then (when it parses)
// derived into a model, an inspection report, and parsed again incrementally in small reads.
// Built by scripts/fuzz-gguf.sh with `swiftc -sanitize=fuzzer,address -parse-as-library`.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGGUF(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var options = GGUFReader.Options()
    options.arrayValueLimit = 16
    do {
        let file = try GGUFReader.parse(bytes: bytes, options: options)
        let model = GGUFModel(file: file)
        _ = GGUFInspectionReport(model: model, source: "fuzz").json
        _ = model.vision?.tokens(forImageWidth: 1000, height: 700)
    } catch is GGUFError {
        // Expected for malformed input.
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    // The memory-mapped path (local files) over the same bytes.
    bytes.withUnsafeBytes { raw in
        var mapped = GGUFParser(options: options, mapped: raw)
        do {
            let wanted = try mapped.run()
            precondition(wanted == nil, "a mapped parse asked for more bytes")
            _ = try mapped.finish()
        } catch is GGUFError {
        } catch {
            fatalError("unexpected error type: \(error)")
        }
    }
    // The resumable path, one small read at a time, must agree with the one-shot parse.
    var parser = GGUFParser(options: options)
    parser.fileSize = UInt64(size)
    var loaded = 0
    var step = 7
    do {
        while let wanted = try parser.run() {
            precondition(wanted > UInt64(loaded), "parser asked for bytes it already has")
            let next = min(size, loaded + step)
            parser.append(Array(bytes[loaded..<next]), eof: next == size)
            loaded = next
            step *= 2
        }
        _ = try parser.finish()
    } catch is GGUFError {
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    return 0
}
