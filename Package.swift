// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Tebiki",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tebiki", targets: ["tebiki"]),
        .library(name: "TebikiCore", targets: ["TebikiCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // Test only: the reference for the theme's template renderer (Tests/TebikiCoreTests/Rendering).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // Test only: property-based tests of the loaders (Tests/TebikiCoreTests/Fuzz, `make fuzz`).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // The only module that touches cmark-gfm's C API is TebikiCore/Markdown.
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .target(
            name: "TebikiCore",
            dependencies: [
                "CCmarkGFM",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: [.enableUpcomingFeature("BareSlashRegexLiterals")],
            // The built-in theme (theme/) is compiled into the library: see docs/theme.md.
            plugins: ["EmbedTheme"]
        ),
        // Writes theme/ as a Swift source at build time (run by the EmbedTheme plugin).
        .executableTarget(name: "tebiki-embed-theme"),
        .plugin(name: "EmbedTheme", capability: .buildTool(), dependencies: ["tebiki-embed-theme"]),
        // Writes the git commit and date `tebiki --version` shows (docs/cli.md "Version").
        .executableTarget(name: "tebiki-embed-version"),
        .plugin(name: "EmbedVersion", capability: .buildTool(), dependencies: ["tebiki-embed-version"]),
        .executableTarget(
            name: "tebiki",
            dependencies: [
                "TebikiCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.enableUpcomingFeature("BareSlashRegexLiterals")],
            plugins: ["EmbedVersion"]
        ),
        .testTarget(
            name: "TebikiCoreTests",
            dependencies: [
                "TebikiCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
                // The reference the template renderer is tested against (Tests/TebikiCoreTests/Rendering).
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: [.enableUpcomingFeature("BareSlashRegexLiterals")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
