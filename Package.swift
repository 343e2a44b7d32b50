// swift-tools-version:6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "rundbrief",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rundbrief", targets: ["rundbrief"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
    ],
    targets: [
        // The libcurl shim: typed, non-variadic wrappers over curl_easy_setopt/getinfo.
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // sqlite3_config() is variadic: a C function makes the one process-wide setting the store needs.
        .target(
            name: "CSQLiteSupport",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        // Pure logic, no I/O: no file, environment or clock access (scripts/check-edges).
        .target(
            name: "RundbriefCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Ink", package: "Ink"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: upcoming
        ),
        // SQLite through GRDB; the only place with SQL. Also owns the 0600 personal-data files (PrivateFile).
        .target(
            name: "RundbriefStore",
            dependencies: [
                "CSQLiteSupport",
                "RundbriefCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the import's per-row insert (see SubscriberImporter).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: upcoming
        ),
        // SMTP over libcurl, the send engine, the scheduler, bounce mailbox polling.
        .target(
            name: "RundbriefMail",
            dependencies: [
                "CCurl",
                "RundbriefCore",
                "RundbriefStore",
                .product(name: "Logging", package: "swift-log"),
                // The sender's counters (SMTPMetrics).
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ],
            swiftSettings: upcoming
        ),
        // The application layer: every operation a person can perform, validated, guarded and
        // audited in one place. Typed results and errors; no HTTP, no terminal.
        .target(
            name: "RundbriefApp",
            dependencies: [
                "RundbriefCore",
                "RundbriefStore",
                "RundbriefMail",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // Console passwords (bcrypt).
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                // Optional TOTP for admins.
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
            ],
            swiftSettings: upcoming
        ),
        // The admin API under /api/v1: types and routes generated from `openapi.yaml` (the contract),
        // and the handlers that call the application layer.
        .target(
            name: "RundbriefAPI",
            dependencies: [
                "RundbriefCore",
                "RundbriefStore",
                "RundbriefApp",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                // Reads the document's paths, to answer undeclared methods 405.
                .product(name: "Yams", package: "Yams"),
            ],
            // The document is served as built: the routes and the served contract cannot drift.
            resources: [.embedInCode("openapi.yaml")],
            swiftSettings: upcoming,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // Process plumbing: systemd notify, journald, SIGHUP reload, heartbeat, operations metrics.
        .target(
            name: "RundbriefDaemon",
            dependencies: [
                "RundbriefCore",
                "RundbriefStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ],
            swiftSettings: upcoming
        ),
        // Subscriber pages, health and metrics over Hummingbird. No RundbriefMail: the executable
        // hands it a `send` closure over its transport.
        .target(
            name: "RundbriefWeb",
            dependencies: [
                "RundbriefCore",
                "RundbriefStore",
                "RundbriefApp",
                "RundbriefAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        // The executable: commands wire the modules together.
        .executableTarget(
            name: "rundbrief",
            dependencies: [
                "RundbriefCore",
                "RundbriefStore",
                "RundbriefMail",
                "RundbriefApp",
                "RundbriefDaemon",
                "RundbriefWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: upcoming
        ),
        // Benchmarks that print figures (run through `scripts/bench`, in release mode).
        .executableTarget(
            name: "rundbrief-bench",
            dependencies: [
                "RundbriefApp",
                "RundbriefCore",
                "RundbriefStore",
                "RundbriefMail",
                "RundbriefDaemon",
                "RundbriefTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/rundbrief-bench",
            swiftSettings: upcoming
        ),
        // What the tests (and the benchmarks' data generator) share: `smtp_server.py` as a child process,
        // the SplitMix64 generator, polling until a condition holds.
        .target(
            name: "RundbriefTestSupport",
            dependencies: ["RundbriefCore"],
            path: "Tests/RundbriefTestSupport",
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "RundbriefCoreTests",
            dependencies: [
                "RundbriefCore",
                "RundbriefTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "RundbriefStoreTests",
            dependencies: ["RundbriefCore", "RundbriefStore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "RundbriefMailTests",
            dependencies: [
                "RundbriefCore", "RundbriefStore", "RundbriefMail", "RundbriefTestSupport",
                // A second connection that holds the write lock, as another process would.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "RundbriefAppTests",
            dependencies: [
                "RundbriefApp", "RundbriefCore", "RundbriefStore", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "RundbriefDaemonTests",
            dependencies: ["RundbriefDaemon"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "RundbriefWebTests",
            dependencies: [
                "RundbriefCore", "RundbriefStore", "RundbriefMail", "RundbriefWeb", "RundbriefTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // Runs the built `rundbrief` binary end to end against real SQLite files and servers.
        .testTarget(
            name: "RundbriefCLITests",
            dependencies: ["RundbriefCore", "RundbriefTestSupport"],
            swiftSettings: upcoming
        ),
    ]
)
