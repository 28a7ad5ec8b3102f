import Foundation

/// An Atom feed of the changes per edition, so intranet users can subscribe. Dates come from
/// the source registry, never from the clock, so the feed is reproducible.
enum Feed {
    /// With `baseURL:` in site.yml the links are absolute, the feed links to itself (`rel=self`)
    /// and its IDs start with the site's address, so two sites' feeds never share an ID;
    /// without it everything stays relative (the feed works from `file://`).
    static func atom(_ model: SiteModel, renderer: PageRenderer) -> Data {
        let base = model.config.baseURL
        let idPrefix = base.map { xml($0) } ?? "tag:tebiki,2024:"
        var entries: [(date: String, xml: String)] = []
        for r in model.requirements {
            for (i, h) in r.history.enumerated() {
                let doc = model.sourceByKey[h.edition]
                let date = isoDate(doc?.date ?? "1970")
                let title = renderer.theme.strings.format("feed_entry_title", ["change": renderer.theme.strings["change_\(h.change.rawValue)"],
                                                                                "title": r.title, "edition": doc?.edition ?? h.edition])
                entries.append((date, """
                  <entry>
                    <title>\(xml(title))</title>
                    <id>\(idPrefix)\(xml(r.id))/\(xml(h.edition))/\(i)</id>
                    <link rel="alternate" href="\(base.map { xml($0) } ?? "../")\(xml(SiteModel.url(of: r)))"/>
                    <updated>\(date)</updated>
                    <summary>\(xml(h.note))</summary>
                  </entry>
                """))
            }
        }
        entries.sort { ($0.date, $0.xml) > ($1.date, $1.xml) }
        // With no change yet, the newest source document's date (still from content, not the clock).
        let updated = entries.first?.date ?? model.sources.map { isoDate($0.date) }.max() ?? "1970-01-01T00:00:00Z"
        let head = base.map { b in
            "  <id>\(xml(b))changes/feed.xml</id>\n  <link rel=\"self\" href=\"\(xml(b))changes/feed.xml\"/>\n  <link rel=\"alternate\" href=\"\(xml(b))changes/index.html\"/>"
        } ?? "  <id>tag:tebiki,2024:changes</id>\n  <link rel=\"alternate\" href=\"index.html\"/>"
        let body = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="\(xml(model.config.language))">
          <title>\(xml(model.config.title)) \(xml(renderer.theme.strings["feed_title"]))</title>
        \(head)
          <updated>\(updated)</updated>
          <author><name>\(xml(model.config.title))</name></author>
        \(entries.map(\.xml).joined(separator: "\n"))
        </feed>

        """
        return Data(body.utf8)
    }

    static func isoDate(_ d: String) -> String {
        let parts = d.split(separator: "-")
        let y = parts.count > 0 ? String(parts[0]) : "1970"
        let m = parts.count > 1 ? String(parts[1]) : "01"
        let day = parts.count > 2 ? String(parts[2]) : "01"
        return "\(y)-\(m)-\(day)T00:00:00Z"
    }

    /// Escaped, and without the characters XML 1.0 does not allow (C0 controls other than tab,
    /// LF and CR, e.g. `\v`; surrogates; U+FFFE and U+FFFF): one of them in a title or a history
    /// note made the whole feed ill-formed, and feed readers then show nothing.
    static func xml(_ s: String) -> String { escapeAttribute(xmlCharacters(s)) }

    static func xmlCharacters(_ s: String) -> String {
        func allowed(_ c: Unicode.Scalar) -> Bool {
            switch c.value {
            case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
            default: false
            }
        }
        guard !s.unicodeScalars.allSatisfy(allowed) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.filter(allowed)))
    }
}
