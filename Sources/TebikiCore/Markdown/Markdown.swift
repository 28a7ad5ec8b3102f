import CCmarkGFM
import Foundation

/// A link found in Markdown, with its position in the file.
public struct MarkdownLink: Sendable, Equatable {
    public var url: String
    public var location: SourceLocation
    /// `![alt](url)`: the file must exist (an image), where a link may lead anywhere.
    public var image = false
}

/// What the renderer should do with a link destination.
public enum LinkResolution: Sendable {
    case keep
    case replace(String)
}

/// The only place in Tebiki that touches cmark-gfm's C API. Everything else sees Swift values.
public enum Markdown {
    public struct Options: Sendable {
        /// Raw HTML is omitted unless this is set (content is untrusted; site.yml
        /// `markdown.unsafe_html`).
        public var unsafe = false
        /// Links and images whose URL could run code or reach the disk (`javascript:`,
        /// `vbscript:`, `file:`, `data:` except raster images) are unwrapped: their text stays,
        /// the URL goes. Independent of `unsafe`; only the GFM spec runner turns it off.
        public var filterURLs = true
        /// GFM extensions to attach.
        public var extensions = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]
        /// Add `id`s and anchor links to headings.
        public var headingAnchors = true
        /// The anchor links' `aria-label` (the theme's `heading_anchor_label`); none when empty.
        public var headingAnchorLabel = ""
        /// GFM footnotes (off in production; the spec runner turns them on for extensions.txt).
        public var footnotes = false
        public init() {}
    }

    public struct Heading: Sendable, Equatable {
        public var level: Int
        public var text: String
        public var anchor: String
    }

    public struct Rendered: Sendable {
        public var html: String
        public var headings: [Heading]
        public var plainText: String
    }

    private static let registerOnce: Void = { cmark_gfm_core_extensions_ensure_registered() }()
    private static let finishLock = NSLock()

    /// Scans a document for links (for validation) without rendering it.
    public static func links(in markdown: String, path: String, lineOffset: Int) -> [MarkdownLink] {
        scan(markdown, path: path, lineOffset: lineOffset).links
    }

    /// Links and images of a document, and the ids its headings get when rendered (the same
    /// slugs as `render`), for checking `#anchors` without rendering.
    public static func scan(_ markdown: String, path: String, lineOffset: Int) -> (links: [MarkdownLink], anchors: [String]) {
        var links: [MarkdownLink] = []
        var anchors: [String] = []
        var used: [String: Int] = [:]
        withDocument(markdown, options: Options()) { root, _ in
            walk(root) { node, entering in
                guard entering else { return }
                let type = cmark_node_get_type(node)
                if type == CMARK_NODE_HEADING { anchors.append(uniqueSlug(text(of: node), used: &used)); return }
                guard type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE, let url = cmark_node_get_url(node) else { return }
                let (line, column) = position(of: node)
                links.append(MarkdownLink(url: String(cString: url),
                                          location: SourceLocation(path: path, line: line + lineOffset, column: column),
                                          image: type == CMARK_NODE_IMAGE))
            }
        }
        return (links, anchors)
    }

    /// Renders Markdown to HTML. `resolve` may rewrite link destinations (e.g. `x.md` → `x.html`).
    public static func render(_ markdown: String, options: Options = Options(),
                              resolve: (String) -> LinkResolution = { _ in .keep }) -> Rendered {
        var result = Rendered(html: "", headings: [], plainText: "")
        withDocument(markdown, options: options) { root, parser in
            var headingTexts: [(Int, String)] = []
            var plain = ""
            var unsafeNodes: [OpaquePointer] = []
            walk(root) { node, entering in
                let type = cmark_node_get_type(node)
                if entering, type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE, let url = cmark_node_get_url(node) {
                    if case let .replace(new) = resolve(String(cString: url)) { cmark_node_set_url(node, new) }
                }
                if entering, options.filterURLs, type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE,
                   let url = cmark_node_get_url(node), isDangerousURL(String(cString: url), image: type == CMARK_NODE_IMAGE) {
                    unsafeNodes.append(node)
                }
                if entering, type == CMARK_NODE_HEADING {
                    headingTexts.append((Int(cmark_node_get_heading_level(node)), text(of: node)))
                }
                if entering, type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE || type == CMARK_NODE_CODE_BLOCK,
                   let literal = cmark_node_get_literal(node) {
                    plain += String(cString: literal)
                } else if !entering, type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING || type == CMARK_NODE_ITEM {
                    plain += "\n"
                } else if entering, type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                    plain += " "
                }
            }
            // After the walk: changing the tree while iterating it is not allowed.
            for node in unsafeNodes { unwrap(node) }
            let flags = cmarkOptions(options)
            guard let cHTML = cmark_render_html(root, flags, cmark_parser_get_syntax_extensions(parser)) else { return }
            var html = String(cString: cHTML)
            free(cHTML)
            if options.headingAnchors, !headingTexts.isEmpty {
                var used: [String: Int] = [:]
                let headings = headingTexts.map { level, text in
                    Heading(level: level, text: text, anchor: uniqueSlug(text, used: &used))
                }
                html = addAnchors(html, headings: headings, label: options.headingAnchorLabel)
                result.headings = headings
            }
            result.html = html
            result.plainText = plain.trimmingWhitespace
        }
        return result
    }

    // MARK: - URL filter

    /// True when a link or image URL must not reach the page: `javascript:`, `vbscript:`,
    /// `file:` and `data:` (an image may use `data:image/png|gif|jpeg|webp`). The check is
    /// stricter than a browser's URL parser so that no spelling gets through: cmark has already
    /// decoded entities and backslash escapes; here percent-encoding and numeric character
    /// references are decoded too (repeatedly), every control, format and white-space character
    /// is dropped (browsers drop tabs and newlines anywhere and C0 controls and spaces at the
    /// ends), and the scheme is compared without case.
    public static func isDangerousURL(_ url: String, image: Bool = false) -> Bool {
        var s = url
        for _ in 0..<4 {
            let decoded = decodeCharacterReferences(decodePercents(s))
            if decoded == s { break }
            s = decoded
        }
        var cleaned = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .unassigned: continue
            default: cleaned.append(scalar)
            }
        }
        let lower = String(cleaned).lowercased()
        guard let colon = lower.firstIndex(of: ":") else { return false }
        let scheme = lower[..<colon]
        guard scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else { return false }
        switch scheme {
        case "javascript", "vbscript", "file": return true
        case "data":
            guard image else { return true }
            let rest = lower[lower.index(after: colon)...]
            return !["image/png", "image/gif", "image/jpeg", "image/webp"].contains { type in
                rest.hasPrefix(type + ";") || rest.hasPrefix(type + ",")
            }
        default: return false
        }
    }

    /// `s` for a one-line message: control and format characters written as `\u{9}`, so a URL
    /// with a line break or a terminal escape cannot break or forge a diagnostic line.
    public static func printable(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator:
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Every valid `%XX` decoded, anything else left as it is (invalid UTF-8 becomes U+FFFD).
    static func decodePercents(_ s: String) -> String {
        guard s.contains("%") else { return s }
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
               let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// `&#106;` and `&#x6A;` decoded (named references are already decoded by cmark).
    static func decodeCharacterReferences(_ s: String) -> String {
        guard s.contains("&#") else { return s }
        return s.replacing(/&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,9});?/) { match in
            let body = match.1
            let value = body.first == "x" || body.first == "X" ? UInt32(body.dropFirst(), radix: 16) : UInt32(body)
            return value.flatMap(Unicode.Scalar.init).map { String($0) } ?? ""
        }
    }

    /// Replaces a link or image node by its children (the link text, the image's alt text).
    private static func unwrap(_ node: OpaquePointer) {
        while let child = cmark_node_first_child(node) {
            cmark_node_insert_before(node, child)
        }
        cmark_node_free(node)
    }

    // MARK: - C plumbing

    private static func cmarkOptions(_ options: Options) -> Int32 {
        // CMARK_OPT_UNSAFE = 1 << 17, CMARK_OPT_FOOTNOTES = 1 << 13; CMARK_OPT_DEFAULT = 0.
        (options.unsafe ? Int32(1 << 17) : 0) | (options.footnotes ? Int32(1 << 13) : 0)
    }

    private static func withDocument(_ markdown: String, options: Options,
                                     _ body: (OpaquePointer, OpaquePointer) -> Void) {
        _ = registerOnce
        guard let parser = cmark_parser_new(cmarkOptions(options)) else { return }
        defer { cmark_parser_free(parser) }
        for name in options.extensions {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        var text = markdown
        text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        // cmark-gfm keeps the extensions' trigger characters (`~`, `:`, `w`, `|`…) in one global
        // table that every `cmark_parser_finish` fills before its inline pass and empties after
        // it (blocks.c, process_inlines): two documents finishing at once on two threads made
        // `~~古い~~ https://example.go.jp` come out differently from run to run. The inline
        // pass is therefore run by one thread at a time; block parsing (feed) and HTML
        // rendering stay parallel.
        finishLock.lock()
        let finished = cmark_parser_finish(parser)
        finishLock.unlock()
        guard let root = finished else { return }
        defer { cmark_node_free(root) }
        body(root, parser)
    }

    private static func walk(_ root: OpaquePointer, _ visit: (OpaquePointer, Bool) -> Void) {
        guard let iter = cmark_iter_new(root) else { return }
        defer { cmark_iter_free(iter) }
        while true {
            let event = cmark_iter_next(iter)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iter) else { continue }
            visit(node, event == CMARK_EVENT_ENTER)
        }
    }

    /// Inline nodes may have no position; fall back to the nearest block that has one.
    private static func position(of node: OpaquePointer) -> (Int, Int) {
        var current: OpaquePointer? = node
        while let n = current {
            let line = Int(cmark_node_get_start_line(n))
            if line > 0 { return (line, max(1, Int(cmark_node_get_start_column(n)))) }
            current = cmark_node_parent(n)
        }
        return (1, 1)
    }

    private static func text(of node: OpaquePointer) -> String {
        var s = ""
        walk(node) { n, entering in
            let t = cmark_node_get_type(n)
            if entering, t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE, let lit = cmark_node_get_literal(n) {
                s += String(cString: lit)
            }
        }
        return s
    }

    // MARK: - Heading anchors

    /// GitHub-style slug that keeps Japanese characters (valid in HTML ids and URL fragments).
    static func uniqueSlug(_ text: String, used: inout [String: Int]) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_" {
                slug.unicodeScalars.append(scalar)
            } else if CharacterSet.whitespaces.contains(scalar) {
                slug += "-"
            }
        }
        if slug.isEmpty { slug = "section" }
        let n = used[slug, default: 0]
        used[slug] = n + 1
        return n == 0 ? slug : "\(slug)-\(n)"
    }

    /// cmark-gfm renders headings as bare `<hN>` tags, and in safe mode raw HTML is omitted,
    /// so every `<hN>` in its output is a heading from the AST, in document order.
    static func addAnchors(_ html: String, headings: [Heading], label: String = "") -> String {
        guard !headings.isEmpty else { return html }
        let ariaLabel = label.isEmpty ? "" : " aria-label=\"\(escapeAttribute(label))\""
        // Searched as UTF-8 bytes: Foundation's range(of:) was a large share of rendering
        // Japanese pages.
        let bytes = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + headings.count * 120)
        var i = 0
        for h in headings {
            let digit = UInt8(ascii: "0") + UInt8(clamping: h.level)
            var j = i
            while j + 3 < bytes.count, !(bytes[j] == UInt8(ascii: "<") && bytes[j + 1] == UInt8(ascii: "h") && bytes[j + 2] == digit && bytes[j + 3] == UInt8(ascii: ">")) {
                j += 1
            }
            guard j + 3 < bytes.count else { break }
            out.append(contentsOf: bytes[i..<j])
            let id = escapeAttribute(h.anchor)
            out.append(contentsOf: "<h\(h.level) id=\"\(id)\"><a class=\"heading-anchor\" href=\"#\(id)\"\(ariaLabel)>#</a>".utf8)
            i = j + 4
        }
        out.append(contentsOf: bytes[i...])
        return String(decoding: out, as: UTF8.self)
    }
}

func escapeAttribute(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(c)
        }
    }
    return out
}
