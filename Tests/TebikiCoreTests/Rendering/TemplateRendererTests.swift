import Foundation
import Testing
@testable import TebikiCore

/// The template renderer construct by construct. Every expected output is also checked against
/// swift-mustache (MustacheReference), the renderer the theme was written for.
@Suite struct TemplateRendererTests {
    static let context: TemplateValue = [
        "title": "外部委託の<規定>",
        "quote": "& < > \" ' ＆",
        "empty": "",
        "zero": 0,
        "n": 42,
        "yes": true,
        "no": false,
        "items": [["name": "一"], ["name": "二"], ["name": "三"]],
        "none": [],
        "words": ["a", "b"],
        "page": ["title": "内側", "meta": ["id": "r-1"]],
        "body": .markdown(TemplateTesting.markdown("<b>太字</b> & \"引用\"")),
    ]

    /// Renders `template` (with `partials`) and checks the output is `expected`, and what swift-mustache renders.
    func expectRender(_ template: String, _ expected: String, context: TemplateValue = Self.context,
                      partials: [(name: String, text: String)] = [], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let templates = [("page", template)] + partials
        let output = TemplateTesting.render(templates, "page", context)
        #expect(output == .success(expected), "\(template.debugDescription)", sourceLocation: sourceLocation)
        let reference = MustacheReference.render(templates, "page", MustacheReference.any(context))
        #expect(reference == expected, "swift-mustache: \(template.debugDescription)", sourceLocation: sourceLocation)
    }

    /// Compiles `template` and checks it fails with `kind` at `line`:`column`.
    func expectError(_ template: String, _ kind: TemplateSyntaxError.Kind, line: Int, column: Int,
                     partials: [(name: String, text: String)] = [], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let output = TemplateTesting.render([("page", template)] + partials, "page", Self.context)
        #expect(output == .failure(TemplateSyntaxError(kind: kind, line: line, column: column)), "\(template.debugDescription)",
                sourceLocation: sourceLocation)
    }

    // MARK: Values

    @Test(arguments: [
        ("{{title}}", "外部委託の&lt;規定&gt;"),
        ("{{quote}}", "&amp; &lt; &gt; &quot; &#39; ＆"),
        ("{{{quote}}}", "& < > \" ' ＆"),
        ("{{&quote}}", "& < > \" ' ＆"),
        ("{{ title }}", "外部委託の&lt;規定&gt;"),
        ("{{n}}/{{zero}}/{{yes}}/{{no}}", "42/0/true/false"),
        ("[{{missing}}][{{{missing}}}][{{missing.deeper}}]", "[][][]"),
        ("{{body}}", "&lt;p&gt;&lt;b&gt;太字&lt;/b&gt; &amp; &quot;引用&quot;&lt;/p&gt;\n"),
        ("{{{body}}}", "<p><b>太字</b> & \"引用\"</p>\n"),
        ("{{page.title}} {{page.meta.id}} {{page.missing}}", "内側 r-1 "),
    ])
    func values(_ template: String, _ expected: String) {
        expectRender(template, expected)
    }

    @Test func escapingCopiesMultiByteTextUntouched() {
        let text = String(repeating: "委託先の再委託は<禁止>＆\"承認\"制とする。🙂", count: 50)
        let expected = text.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
        expectRender("{{t}}", expected, context: ["t": TemplateValue.string(text)])
        #expect(HTMLEscape.escape("a&b'c") == "a&amp;b&#39;c")
        #expect(HTMLEscape.escape("") == "")
    }

    /// A deliberate difference: swift-mustache escapes whole Characters, so a quote followed by a
    /// combining mark (one Character) stays a quote and ends the attribute it is in.
    @Test func aQuoteWithACombiningMarkIsStillEscaped() {
        let hostile = "\"\u{301} onmouseover=alert(1) x=\""
        let template = "<a title=\"{{t}}\">"
        let output = TemplateTesting.render([("t", template)], "t", ["t": .string(hostile)])
        #expect(output == .success("<a title=\"&quot;\u{301} onmouseover=alert(1) x=&quot;\">"))
        #expect(MustacheReference.render([("t", template)], "t", ["t": hostile]) == "<a title=\"\"\u{301} onmouseover=alert(1) x=&quot;\">")
    }

    // MARK: Names

    @Test(arguments: [
        // The innermost object that has the name wins; then the outer ones.
        ("{{#page}}{{title}}|{{n}}{{/page}}", "内側|42"),
        // A dotted name resolves its first part through the stack, then only inside it.
        ("{{#page}}{{meta.id}}{{/page}}", "r-1"),
        ("{{#items}}{{page.title}}{{/items}}", "内側内側内側"),
        ("{{#page}}{{meta.title}}{{/page}}", ""),
        // A leading dot looks only in the innermost context.
        ("{{#page}}{{.title}}[{{.n}}]{{/page}}", "内側[]"),
        ("{{#words}}{{.}}{{/words}}", "ab"),
        ("{{#title}}{{.}}{{/title}}", "外部委託の&lt;規定&gt;"),
    ])
    func names(_ template: String, _ expected: String) {
        expectRender(template, expected)
    }

    // MARK: Sections

    @Test(arguments: [
        ("{{#items}}<{{name}}>{{/items}}", "<一><二><三>"),
        ("{{#none}}x{{/none}}", ""),
        ("{{#yes}}y{{/yes}}{{#no}}n{{/no}}", "y"),
        // Anything else is truthy, even "" and 0, and becomes the context.
        ("{{#empty}}[{{.}}]{{/empty}}{{#zero}}[{{.}}]{{/zero}}", "[][0]"),
        ("{{#missing}}x{{/missing}}", ""),
        ("{{#body}}has body{{/body}}", "has body"),
        ("{{^items}}x{{/items}}{{^none}}none{{/none}}", "none"),
        ("{{^yes}}y{{/yes}}{{^no}}n{{/no}}{{^missing}}m{{/missing}}{{^empty}}e{{/empty}}{{^zero}}z{{/zero}}", "nm"),
        ("{{#items}}{{#yes}}{{name}}{{/yes}}{{/items}}", "一二三"),
    ])
    func sections(_ template: String, _ expected: String) {
        expectRender(template, expected)
    }

    @Test(arguments: [
        ("{{#items}}{{index()}}{{#first()}}F{{/first()}}{{#last()}}L{{/last()}}{{^last()}},{{/last()}}{{/items}}", "0F,1,2L"),
        ("{{#items}}{{plusone(index())}}{{#even()}}e{{/even()}}{{#odd()}}o{{/odd()}} {{/items}}", "1e 2o 3e "),
        // The position belongs to the list's own section: not outside it, not inside a value's section.
        ("[{{index()}}]{{#items}}{{#page}}[{{index()}}]{{/page}}{{/items}}", "[][][][]"),
        ("{{#items}}{{#yes}}{{index()}}{{/yes}}{{/items}}", "012"),
    ])
    func listPosition(_ template: String, _ expected: String) {
        expectRender(template, expected)
    }

    @Test(arguments: [
        ("{{^empty(none)}}x{{/empty(none)}}{{^empty(items)}}y{{/empty(items)}}", "y"),
        ("{{#empty(empty)}}e{{/empty(empty)}}{{count(items)}} {{count(page)}} {{count(title)}}", "e3 2 "),
        ("{{#first(items)}}{{name}}{{/first(items)}}{{#last(items)}}{{name}}{{/last(items)}}{{#first(none)}}x{{/first(none)}}", "一三"),
        ("{{#reversed(items)}}{{name}}{{index()}}{{/reversed(items)}}", "三0二1一2"),
        ("{{uppercased(w)}} {{lowercased(w)}} {{capitalized(w)}} {{reversed(w)}}", "ABC Ü abc ü Abc Ü Ü cba"),
        ("{{plusone(n)}} {{minusone(n)}} {{#even(n)}}even{{/even(n)}}{{#odd(n)}}odd{{/odd(n)}} {{equalzero(zero)}}", "43 41 even true"),
        ("{{plusone(plusone(n))}} {{count(reversed(items))}} {{empty(yes)}}|{{empty(body)}}|{{count(missing)}}", "44 3 ||"),
    ])
    func transforms(_ template: String, _ expected: String) {
        var context = Self.context
        context["w"] = "abc Ü"
        expectRender(template, expected, context: context)
    }

    // MARK: Whitespace, comments, delimiters

    @Test(arguments: [
        // Standalone section, inverted, close and comment lines disappear with their line break.
        ("Begin.\n{{#yes}}\nYes\n{{/yes}}\nEnd.\n", "Begin.\nYes\nEnd.\n"),
        ("Begin.\n  {{^no}}  \n  No\n  {{/no}}\t\nEnd.", "Begin.\n  No\nEnd."),
        ("a\n  {{! 注釈 }}\nb", "a\nb"),
        ("a\r\n{{#yes}}\r\nb\r\n{{/yes}}\r\n", "a\r\nb\r\n"),
        ("  {{#yes}}\n#{{/yes}}", "#"),
        // Not standalone: other text or a value tag on the line.
        ("  {{#yes}}x{{/yes}}\n", "  x\n"),
        ("{{n}} {{#yes}}\n{{/yes}}", "42 \n"),
        ("a{{! comment\nover lines }}b", "ab"),
        // swift-mustache drops whitespace after the last line break.
        ("a\n  ", "a\n"),
        ("{{=<% %>=}}<% title %> {{title}} <%={{ }}=%>{{n}}", "外部委託の&lt;規定&gt; {{title}} 42"),
        ("{{=<% %>=}}\n<%#yes%>\nyes\n<%/yes%>\n", "yes\n"),
        // A delimiter change holds up to the end of its section.
        ("{{#yes}}{{=<% %>=}}<%n%><%/yes%>{{n}}", "4242"),
    ])
    func whitespace(_ template: String, _ expected: String) {
        expectRender(template, expected)
    }

    // MARK: Partials

    @Test func partials() {
        let item = [("item", "<li>{{name}}</li>\n")]
        expectRender("<ul>{{#items}}{{> item}}{{/items}}</ul>", "<ul><li>一</li>\n<li>二</li>\n<li>三</li>\n</ul>", partials: item)
        // A standalone partial tag indents every line of the partial (and of partials inside it).
        // Indentation is per tag: a value with line breaks is not indented inside (swift-mustache).
        let box = [("box", "<div>\n{{title}}\n  {{> inner}}\n</div>\n"), ("inner", "<p>\n{{{body}}}</p>\n{{{two}}}\n")]
        var context = Self.context
        context["two"] = "1\n2"
        expectRender("<main>\n  {{> box}}\n</main>\n",
                     "<main>\n  <div>\n  外部委託の&lt;規定&gt;\n    <p>\n    <p><b>太字</b> & \"引用\"</p>\n    </p>\n    1\n2\n  </div>\n</main>\n",
                     context: context, partials: box)
        expectRender("a {{> item}} b", "a <li>外部委託の&lt;規定&gt;</li>\n b", context: ["name": "外部委託の<規定>"], partials: item)
    }

    @Test func aPartialThatDoesNotExistIsAnError() {
        expectError("a\n  {{> nowhere}}\n", .missingPartial("nowhere"), line: 2, column: 3)
        let (library, errors) = TemplateLibrary.compile([("page", "[{{> nowhere}}]")])
        #expect(errors.map(\.name) == ["page"])
        #expect(library.render("page", Self.context).map { String(decoding: $0, as: UTF8.self) } == "[]")
    }

    // MARK: Errors

    @Test func errorsCarryTheirLineAndColumn() {
        expectError("<p>\n  {{#items}}\n{{name}}\n", .unclosedSection("#items"), line: 2, column: 3)
        expectError("{{^empty(items)}}", .unclosedSection("^empty(items)"), line: 1, column: 1)
        expectError("{{#a}}\n {{/b}}", .mismatchedClose(found: "b", expected: "a"), line: 2, column: 2)
        expectError("x {{/a}}", .mismatchedClose(found: "a", expected: nil), line: 1, column: 3)
        expectError("{{#empty(a)}}{{/a}}", .mismatchedClose(found: "a", expected: "empty(a)"), line: 1, column: 14)
        expectError("日本語 {{title", .unexpectedEnd, line: 1, column: 12)
        expectError("a\n{{title x}}", .malformedTag(closing: "}}"), line: 2, column: 9)
        expectError("{{タイトル}}", .malformedTag(closing: "}}"), line: 1, column: 3)
        expectError("{{{title}}", .unexpectedEnd, line: 1, column: 11)
        expectError("{{{title}} }", .malformedTag(closing: "}}}"), line: 1, column: 11)
        expectError("{{empty(a}}", .malformedTag(closing: "}}"), line: 1, column: 12)
        expectError("{{= <% =}}", .invalidDelimiters, line: 1, column: 11)
        expectError("{{! never closed", .unexpectedEnd, line: 1, column: 4)
        expectError("\n\n  {{< base}}{{/base}}", .unsupportedTag("<"), line: 3, column: 3)
        expectError("{{$block}}x{{/block}}", .unsupportedTag("$"), line: 1, column: 1)
        expectError("{{>* dynamic}}", .unsupportedTag(">*"), line: 1, column: 1)
        expectError("{{% CONTENT_TYPE: TEXT}}", .unsupportedTag("%"), line: 1, column: 1)
        expectError("a{{sorted(items)}}", .unknownTransform("sorted"), line: 1, column: 2)
        expectError("{{#items}}{{nope(index())}}{{/items}}", .unknownTransform("nope"), line: 1, column: 11)
        // Columns count characters, and a CRLF line break is one.
        expectError("a\r\nあい{{#x}}", .unclosedSection("#x"), line: 2, column: 3)
    }

    @Test func errorMessagesAreJapanese() {
        let kinds: [TemplateSyntaxError.Kind] = [
            .unclosedSection("#a"), .mismatchedClose(found: "a", expected: "b"), .mismatchedClose(found: "a", expected: nil),
            .malformedTag(closing: "}}"), .unexpectedEnd, .invalidDelimiters, .unsupportedTag("<"), .unknownTransform("x"),
            .missingPartial("p"),
        ]
        for kind in kinds {
            let message = TemplateSyntaxError(kind: kind, line: 1, column: 1).message
            #expect(message.unicodeScalars.contains { (0x3040...0x30FF).contains($0.value) }, "\(message)")
        }
        #expect(TemplateSyntaxError(kind: .unclosedSection("^empty(a)"), line: 1, column: 1).message.contains("{{/empty(a)}}"))
    }

    @Test func themeReportsTemplateErrorsAtTheirPlace() throws {
        var source = try Fixtures.inline([:])
        source.files["theme/templates/requirement.mustache"] = Data("<h1>{{title}}</h1>\n{{#sources}}\n<p>{{title}</p>\n".utf8)
        source.files["theme/templates/home.mustache"] = Data("<main>\n  {{> hero}}\n</main>\n".utf8)
        var d = Diagnostics()
        _ = Theme.load(folder: "theme", source: source, diagnostics: &d)
        let lines = d.items.map { "\($0.path):\($0.line):\($0.column): \($0.code)" }
        #expect(lines == ["theme/templates/home.mustache:2:3: missing-template", "theme/templates/requirement.mustache:3:11: template-syntax"],
                "\(d.items)")
        #expect(d.items.allSatisfy { $0.severity == .error })
        #expect(d.items.last?.message.hasPrefix("テンプレートの書き方に誤りがあります: ") == true)
    }

    // MARK: Values from contexts

    @Test func valuesConvertFromDictionaries() {
        let md = TemplateTesting.markdown("m")
        let any: [String: Any] = ["s": "x", "b": true, "i": 3, "list": [["k": "v"]], "mixed": ["a", 1] as [Any],
                                  "md": md, "opt": Optional<String>.none as Any, "some": Optional("y") as Any, "v": TemplateValue.int(7)]
        let value = TemplateValue(any)
        guard case .object(let o) = value else { Issue.record("not an object"); return }
        #expect(o.keys == ["b", "i", "list", "md", "mixed", "opt", "s", "some", "v"])
        var h1 = StableHash(), h2 = StableHash()
        Fingerprint.of(value, into: &h1)
        Fingerprint.of(TemplateValue(any), into: &h2)
        #expect(h1.hex == h2.hex)
        let output = TemplateTesting.render([("t", "{{s}}{{b}}{{i}}{{#list}}{{k}}{{/list}}{{#mixed}}{{.}}{{/mixed}}[{{opt}}]{{some}}{{v}}{{{md}}}")], "t", value)
        #expect(output == .success("xtrue3va1[]y7<p>m</p>\n"))
    }

    @Test func fingerprintCoversEveryValue() {
        let base: TemplateValue = ["a": "x", "l": [1, true, ["k": "v"]], "m": .markdown(TemplateTesting.markdown("t"))]
        func hex(_ v: TemplateValue) -> String {
            var h = StableHash()
            Fingerprint.of(v, into: &h)
            return h.hex
        }
        var changed: [TemplateValue] = []
        for (key, value) in [("a", "y"), ("l", [1, true, ["k": "w"]]), ("l", [2, true, ["k": "v"]]), ("l", [1, false, ["k": "v"]]),
                             ("m", .markdown(TemplateTesting.markdown("u"))), ("b", "")] as [(String, TemplateValue)] {
            var v = base
            v[key] = value
            changed.append(v)
        }
        let hexes = Set(changed.map(hex) + [hex(base)])
        #expect(hexes.count == changed.count + 1)
        #expect(hex(base) == hex(base))
    }
}
