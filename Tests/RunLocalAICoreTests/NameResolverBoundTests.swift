import Testing
@testable import RunLocalAICore

@Suite("The name resolver's cost is bounded")
struct NameResolverBoundTests {
    let c = TestSupport.catalog

    @Test("Names past the cap are refused before matching, with a clear message")
    func longNamesAreRefused() throws {
        let clock = ContinuousClock()
        for n in [201, 5_000, 65_000] {
            let name = String(repeating: "x", count: n)
            let start = clock.now
            #expect { try c.hardware(named: name) } throws: { error in
                guard case CatalogError.invalid(let m) = error else { return false }
                return m.contains("longer than 200 characters")
            }
            #expect(throws: CatalogError.self) { try c.model(named: name) }
            #expect(throws: CatalogError.self) { try c.runtime(named: name) }
            #expect(clock.now - start < .milliseconds(200), "\(n) characters")
        }
        // Multi-byte characters count as characters, but a flood of bytes is refused too.
        #expect(throws: CatalogError.self) { try c.model(named: String(repeating: "é", count: 201)) }
    }

    @Test("Names up to the cap still resolve; normalisation reads a bounded prefix")
    func namesAtTheCapStillWork() throws {
        #expect(try c.hardware(named: "NVIDIA GeForce RTX 3090" + String(repeating: " ", count: 170)).device.id == "rtx-3090")
        let n = NameResolver.normalize(String(repeating: "llama (", count: 20_000))
        #expect(n.tokens.count <= NameResolver.maxQueryLength)
    }
}
