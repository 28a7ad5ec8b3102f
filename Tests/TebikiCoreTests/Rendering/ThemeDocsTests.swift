import Foundation
import Testing
@testable import TebikiCore

/// The docs name every site.yml key and every template variable: a new key or variable
/// without documentation fails here.
@Suite struct ThemeDocsTests {
    func doc(_ name: String) throws -> String {
        try String(contentsOf: Fixtures.repoRoot.appendingPathComponent("docs/\(name)"), encoding: .utf8)
    }

    @Test func everySiteYmlKeyIsDocumented() throws {
        let text = try doc("configuration.md")
        for key in ConfigLoader.knownKeys + ConfigLoader.colourNames + ConfigLoader.menuPages.map(\.key) {
            #expect(text.contains("`\(key)`"), "docs/configuration.md does not name `\(key)`")
        }
    }

    /// The names a template reads: `{{x}}`, `{{{x}}}`, `{{#x}}`, `{{^x}}`, `{{&x}}`, the first
    /// part of `a.b`, and arguments of functions such as `empty(x)`; partials and closing tags
    /// are not variables.
    static func variables(in template: String) -> Set<String> {
        var names = Set<String>()
        for match in template.matches(of: /\{\{\{?\s*([#^&]?)\s*([A-Za-z_][A-Za-z0-9_.\-]*)(\(([A-Za-z0-9_.]*)\))?/) {
            let name = String(match.2)
            if match.3 != nil {
                if let argument = match.4, !argument.isEmpty { names.insert(String(argument.split(separator: ".")[0])) }
                continue
            }
            names.insert(String(name.split(separator: ".")[0]))
        }
        return names
    }

    @Test func everyTemplateVariableIsDocumented() throws {
        let text = try doc("theme.md")
        for (path, data) in Theme.builtin where path.hasPrefix("templates/") {
            let name = String(path.dropFirst("templates/".count).dropLast(".mustache".count))
            #expect(text.contains("`\(name)`"), "docs/theme.md does not name the template `\(name)`")
            for variable in Self.variables(in: String(decoding: data, as: UTF8.self)) {
                #expect(text.contains("`\(variable)`"), "docs/theme.md does not name `\(variable)` (used by \(name).mustache)")
            }
        }
    }

    @Test func everyStringTheTemplatesUseExists() throws {
        var d = Diagnostics()
        let theme = try #require(Theme.load(folder: "theme", source: SiteSource(files: [:]), diagnostics: &d))
        for (path, data) in Theme.builtin where path.hasPrefix("templates/") {
            for match in String(decoding: data, as: UTF8.self).matches(of: /strings\.([a-z_]+)/) {
                #expect(theme.strings.values[String(match.1)] != nil, "\(path) uses strings.\(match.1), which strings.yml lacks")
            }
        }
    }

    @Test func variablesAreFoundInEveryTagForm() {
        let names = Self.variables(in: "{{a}} {{{b}}} {{#c.d}}{{/c.d}} {{^empty(e)}}{{/empty(e)}} {{> item-list}} {{^last()}}x{{/last()}}")
        #expect(names == ["a", "b", "c", "e"])
    }
}
