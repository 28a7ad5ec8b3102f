import Foundation
import PackagePlugin

/// Embeds the repository's `theme/` folder into TebikiCore at build time, so the built-in
/// theme (the base every site's theme inherits from) travels inside the `tebiki` binary and
/// works wherever it runs. The tool writes one Swift source with every file as base64 text.
@main
struct EmbedTheme: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let theme = context.package.directoryURL.appendingPathComponent("theme")
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("BuiltinTheme.swift")
        var inputs: [URL] = []
        if let walker = FileManager.default.enumerator(at: theme, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                inputs.append(url)
            }
        }
        return [.buildCommand(displayName: "Embedding the built-in theme",
                              executable: try context.tool(named: "tebiki-embed-theme").url,
                              arguments: [theme.path, output.path],
                              inputFiles: inputs.sorted { $0.path < $1.path },
                              outputFiles: [output])]
    }
}
