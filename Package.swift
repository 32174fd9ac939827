// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "RunLocalAI",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "RunLocalAICore", targets: ["RunLocalAICore"]),
        .executable(name: "runlocalai", targets: ["runlocalai"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The engine: catalog, GGUF reader, memory / fit / speed estimator, commands. Pure; reads only files it is handed.
        .target(
            name: "RunLocalAICore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // The command-line tool: every subcommand is a view of RunLocalAICore.
        .executableTarget(
            name: "runlocalai",
            dependencies: [
                "RunLocalAICore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Prints timings of the engine (speed targets live here, never in tests).
        .executableTarget(
            name: "RunLocalAIBenchmarks",
            dependencies: ["RunLocalAICore"]
        ),
        .testTarget(
            name: "RunLocalAICoreTests",
            dependencies: ["RunLocalAICore", .product(name: "Yams", package: "Yams")]
        ),
    ]
)
