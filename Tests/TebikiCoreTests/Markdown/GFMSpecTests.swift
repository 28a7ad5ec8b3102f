import Foundation
import Testing
@testable import TebikiCore

/// Runs every example of the GFM spec (spec.txt, extensions.txt, regression.txt from cmark-gfm)
/// through the project's Markdown layer. Options follow the reference runner: raw HTML allowed
/// (`--unsafe`), no extensions for spec.txt and regression.txt, the example's named extensions for
/// extensions.txt. Heading anchors are Tebiki's addition, so they are off here.
@Suite struct GFMSpecTests {
    struct Example { var file: String; var number: Int; var markdown: String; var html: String; var extensions: [String] }

    /// `TEBIKI_SPEC_DIR`, else `../shared/spec` beside the checkout, else the workspace's copy
    /// (a clean clone in /tmp has no sibling `shared/`).
    static let specFolder: URL = {
        let candidates = [ProcessInfo.processInfo.environment["TEBIKI_SPEC_DIR"],
                          Fixtures.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/spec").path,
                          "/work/shared/spec"].compactMap { $0 }
        let found = candidates.first { FileManager.default.fileExists(atPath: $0 + "/spec.txt") } ?? candidates[0]
        return URL(fileURLWithPath: found)
    }()

    static func examples(_ name: String) -> [Example]? {
        guard let text = try? String(contentsOf: specFolder.appendingPathComponent(name), encoding: .utf8) else { return nil }
        let fence = String(repeating: "`", count: 32)
        var result: [Example] = []
        var lines = text.components(separatedBy: "\n")[...]
        var number = 0
        while let line = lines.popFirst() {
            guard line.hasPrefix(fence + " example") else { continue }
            let exts = line.dropFirst(fence.count + " example".count).split(separator: " ").map(String.init)
            var md: [String] = [], html: [String] = []
            var inHTML = false
            while let l = lines.popFirst(), l != fence {
                if l == "." && !inHTML { inHTML = true; continue }
                if inHTML { html.append(l) } else { md.append(l) }
            }
            number += 1
            func untab(_ s: [String]) -> String { s.map { $0 + "\n" }.joined().replacingOccurrences(of: "→", with: "\t") }
            result.append(Example(file: name, number: number, markdown: untab(md), html: untab(html), extensions: exts))
        }
        return result
    }

    static let allExtensions = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    /// spec.txt and regression.txt tag the examples that need an extension; extensions.txt is
    /// run with every extension and footnotes, as cmark-gfm's own test target does.
    /// Expected differences, listed explicitly. Debian's libcmark-gfm (0.29.0.gfm.6) renders
    /// footnotes with newer markup (`data-footnote-ref`, `aria-label` back-references) than the
    /// spec files expect; Tebiki does not enable footnotes in production.
    static let expectedDifferences: [String: String] = [
        "extensions.txt#23": "footnote markup of the installed cmark-gfm",
        "regression.txt#13": "footnote markup of the installed cmark-gfm",
    ]

    func run(_ file: String, allExtensions: Bool) -> (passed: Int, total: Int, failures: [Int])? {
        guard let examples = Self.examples(file) else { return nil }
        var passed = 0, skipped = 0, expected = 0
        var failures: [Int] = []
        for ex in examples {
            // The reference runner skips examples tagged `disabled`, and only checks that
            // `<IGNORE>` examples do not crash.
            if ex.extensions.contains("disabled") { skipped += 1; continue }
            var o = Markdown.Options()
            o.unsafe = true
            o.headingAnchors = false
            o.extensions = allExtensions ? Self.allExtensions : ex.extensions.filter { $0 != "disabled" && $0 != "footnotes" }
            o.footnotes = allExtensions || ex.extensions.contains("footnotes")
            let out = Markdown.render(ex.markdown, options: o).html
            if ex.html == "<IGNORE>\n" || out == ex.html || normalize(out) == normalize(ex.html) {
                passed += 1
            } else if Self.expectedDifferences["\(file)#\(ex.number)"] != nil, out.contains("footnote") {
                expected += 1
            } else {
                failures.append(ex.number)
            }
        }
        print("GFM spec (\(file)): \(passed)/\(examples.count) pass, \(expected) expected differences, \(skipped) skipped (disabled in the reference runner), \(failures.count) fail")
        return (passed, examples.count, failures)
    }

    /// The reference runner compares normalised HTML (whitespace between tags, attribute order).
    func normalize(_ html: String) -> String {
        html.replacingOccurrences(of: ">\n", with: ">").replacingOccurrences(of: "\n<", with: "<").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func specExamples() throws {
        guard let r = run("spec.txt", allExtensions: false) else {
            print("GFM spec: skipped (../shared/spec/spec.txt not found)")
            return
        }
        #expect(r.failures.isEmpty, "failing examples: \(r.failures)")
    }

    @Test func extensionExamples() throws {
        guard let r = run("extensions.txt", allExtensions: true) else {
            print("GFM spec: skipped (../shared/spec/extensions.txt not found)")
            return
        }
        #expect(r.failures.isEmpty, "failing examples: \(r.failures)")
    }

    @Test func regressionExamples() throws {
        guard let r = run("regression.txt", allExtensions: false) else {
            print("GFM spec: skipped (../shared/spec/regression.txt not found)")
            return
        }
        #expect(r.failures.isEmpty, "failing examples: \(r.failures)")
    }

    /// Tebiki's production setting is safe mode: raw HTML is omitted. This is the expected
    /// difference from the reference; every example that differs must differ only because of it.
    @Test func safeModeDiffersOnlyWhereRawHTMLIsOmitted() throws {
        guard let examples = Self.examples("spec.txt") else { print("GFM spec: skipped"); return }
        var differing = 0, unexplained: [Int] = []
        for ex in examples where !ex.extensions.contains("disabled") {
            var o = Markdown.Options()
            o.headingAnchors = false
            o.extensions = ex.extensions.filter { $0 != "disabled" && $0 != "footnotes" }
            let out = Markdown.render(ex.markdown, options: o).html
            if normalize(out) != normalize(ex.html) {
                differing += 1
                if !(out.contains("<!-- raw HTML omitted -->") || ex.html.contains("javascript:") || ex.html.contains("vbscript:") || ex.html.contains("data:") || out.contains("href=\"\"") || out.contains("src=\"\"")) {
                    unexplained.append(ex.number)
                }
            }
        }
        print("GFM spec in safe mode: \(examples.count - differing)/\(examples.count) identical; \(differing) differ because raw HTML or unsafe URLs are omitted")
        #expect(unexplained.isEmpty, "examples that differ in safe mode for another reason: \(unexplained)")
    }
}
