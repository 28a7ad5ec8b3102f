import Foundation
import Mustache
@testable import TebikiCore

// swift-mustache 2.x, which rendered the site before TemplateRenderer, kept as the reference the
// tests compare the new renderer with.

extension DeferredMarkdown: MustacheCustomRenderable {
    public var isNull: Bool { false }
}

enum MustacheReference {
    /// A template context as swift-mustache takes it (what PageRenderer built before): objects
    /// as `[String: Any]` (a `.null` member left out), lists as `[Any]`.
    static func any(_ value: TemplateValue) -> Any {
        switch value {
        case .string(let s): return s
        case .bool(let b): return b
        case .int(let i): return i
        case .markdown(let m): return m
        case .list(let items): return items.map(any)
        case .object(let o):
            var d: [String: Any] = [:]
            for (key, value) in zip(o.keys, o.values) {
                if case .null = value { continue }
                d[key] = any(value)
            }
            return d
        case .null: preconditionFailure("null outside an object")
        }
    }

    /// swift-mustache's output, or nil when it does not accept one of the templates.
    static func render(_ templates: [(name: String, text: String)], _ name: String, _ context: Any) -> String? {
        var library = MustacheLibrary()
        do {
            for (n, text) in templates { try library.register(text, named: n) }
        } catch {
            return nil
        }
        return library.render(context, withTemplate: name)
    }
}

enum TemplateTesting {
    /// The new renderer's output for `name`, or the first error.
    static func render(_ templates: [(name: String, text: String)], _ name: String, _ context: TemplateValue) -> Result<String, TemplateSyntaxError> {
        let (library, errors) = TemplateLibrary.compile(templates)
        if let first = errors.first { return .failure(first.error) }
        return .success(String(decoding: library.render(name, context) ?? [], as: UTF8.self))
    }

    /// Markdown whose "HTML" is its text in a paragraph, without cmark: tests that need HTML
    /// characters in it put them in the text.
    static func markdown(_ text: String) -> DeferredMarkdown {
        DeferredMarkdown(text: text, linkTargets: []) { text in
            Markdown.Rendered(html: "<p>\(text)</p>\n", headings: [], plainText: text)
        }
    }
}
