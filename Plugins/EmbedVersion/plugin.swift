import Foundation
import PackagePlugin

/// Embeds the git commit and a date into the `tebiki` executable for `tebiki --version`
/// (`tebiki 0.1.0 (abc1234, 2026-12-04)`). The plugin asks git on every build, so a new commit
/// shows up without a clean build; the command it returns only rewrites `BuildInfo.swift` when
/// the values changed, so an unchanged commit recompiles nothing. The generated file lives in
/// the plugin's work folder under `.build/`, never in the source tree.
///
/// Which date (docs/cli.md "Version"): `SOURCE_DATE_EPOCH` when set (reproducible-builds.org);
/// else, for a checkout without local changes, the commit's date, so two builds of one commit
/// are byte-identical (as `rustc --version` shows its commit date); else (local changes, or no
/// git, e.g. a tarball) the day of the build, in UTC. Without git the commit is "unknown".
@main
struct EmbedVersion: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let info = probe(package: context.package.directoryURL)
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("BuildInfo.swift")
        // The values travel as arguments: a changed argument makes the build system run the
        // command again, and nothing else does (it has no input files).
        return [.buildCommand(displayName: "Embedding the version (\(info.commit), \(info.date))",
                              executable: try context.tool(named: "tebiki-embed-version").url,
                              arguments: [output.path, info.commit, info.date],
                              inputFiles: [],
                              outputFiles: [output])]
    }

    func probe(package: URL) -> (commit: String, date: String) {
        let environment = ProcessInfo.processInfo.environment
        let epoch = environment["SOURCE_DATE_EPOCH"].flatMap { TimeInterval($0) }.map { Date(timeIntervalSince1970: $0) }
        // Only a repository that tracks this package's own Package.swift: a tarball unpacked
        // inside some other repository (a home folder under git) must not take its commit.
        guard git(["ls-files", "--error-unmatch", "--", "Package.swift"], in: package) != nil,
              let head = git(["log", "-1", "--format=%h %cs"], in: package) else {
            return ("unknown", day(epoch ?? Date()))
        }
        let parts = head.split(separator: " ").map(String.init)
        guard parts.count == 2 else { return ("unknown", day(epoch ?? Date())) }
        let modified = git(["status", "--porcelain"], in: package).map { !$0.isEmpty } ?? true
        let commit = parts[0] + (modified ? "-dirty" : "")
        return (commit, epoch.map(day) ?? (modified ? day(Date()) : parts[1]))
    }

    /// git's trimmed output, or nil when git is missing or fails.
    func git(_ arguments: [String], in folder: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder.path] + arguments
        var env = ProcessInfo.processInfo.environment
        // A build started from a git hook must not read another repository's variables.
        for key in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"] { env[key] = nil }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
