import Foundation
import PackagePlugin

/// Embeds the git commit and a date into the `tebiki` executable for `tebiki --version`
/// (`tebiki 0.1.0 (abc1234, 2026-12-04)`; docs/cli.md "--version"). The values are read by
/// `tebiki-embed-version` when the build runs, not here: SwiftPM runs a plugin only when it
/// plans the build anew (a changed manifest or set of files), not for every `swift build`, so
/// a commit made since then would go unseen. The command's inputs are what can change the
/// values — the files git moves on a commit, reset or checkout, and every file the binary is
/// built from (for "-dirty") — so it runs again exactly when one of them changed, and
/// rewrites `BuildInfo.swift` (in the plugin's work folder under `.build/`, never in the
/// source tree) only when a value changed.
@main
struct EmbedVersion: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let package = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("BuildInfo.swift")
        var inputs = ["Package.swift", "Sources", "Plugins", "theme"].flatMap { files(under: package.appendingPathComponent($0)) }
        inputs += gitFiles(package)
        var environment: [String: String] = [:]
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] { environment["SOURCE_DATE_EPOCH"] = epoch }
        return [.buildCommand(displayName: "Embedding the version",
                              executable: try context.tool(named: "tebiki-embed-version").url,
                              arguments: [output.path, package.path],
                              environment: environment,
                              inputFiles: inputs.sorted { $0.path < $1.path },
                              outputFiles: [output])]
    }

    /// Regular files under `url` (or `url` itself); hidden files are skipped, the build does
    /// not read them.
    func files(under url: URL) -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [url] }
        var out: [URL] = []
        if let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) {
            for case let file as URL in walker where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                out.append(file)
            }
        }
        return out
    }

    /// The files git rewrites when HEAD moves or the index changes: HEAD, the index, HEAD's
    /// reflog, the current branch's ref and packed-refs (those that exist; none without git).
    func gitFiles(_ package: URL) -> [URL] {
        guard let dirs = git(["rev-parse", "--absolute-git-dir", "--git-common-dir"], in: package)?.split(separator: "\n").map(String.init),
              dirs.count == 2 else { return [] }
        let gitDir = URL(fileURLWithPath: dirs[0])
        let common = dirs[1].hasPrefix("/") ? URL(fileURLWithPath: dirs[1]) : package.appendingPathComponent(dirs[1])
        var candidates = [gitDir.appendingPathComponent("HEAD"), gitDir.appendingPathComponent("index"),
                          gitDir.appendingPathComponent("logs/HEAD"), common.appendingPathComponent("packed-refs")]
        if let ref = git(["symbolic-ref", "-q", "HEAD"], in: package), ref.hasPrefix("refs/") {
            candidates.append(common.appendingPathComponent(ref))
        }
        return candidates.filter { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// git's trimmed output, or nil when git is missing or fails.
    func git(_ arguments: [String], in folder: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder.path] + arguments
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
}
