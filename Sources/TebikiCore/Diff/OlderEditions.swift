/// Requirements that still cite an older edition of a source document once a newer edition of
/// the same document (same `family` in sources.yml, later `date`) is registered, and cite no
/// edition that new: the pages to review after a guideline is revised (`tebiki check
/// --outdated`, docs/revisions.md). Informational: nothing here is an error or a warning,
/// since citing the old text can be deliberate until the page is reviewed.
public enum OlderEditions {
    public struct Finding: Sendable, Equatable {
        public var requirement: String
        public var title: String
        /// The citation of the older edition, where the page writes it.
        public var citation: SourceRef
        public var cited: SourceDocument
        /// The newest edition of the same document.
        public var newest: SourceDocument
    }

    /// Every citation of an older edition by an active requirement that cites no edition of
    /// the same family as new as the newest one, in path and line order. Retired and renamed
    /// requirements are left out (their text stays as it was); drafts are left out unless
    /// `drafts`.
    public static func find(_ site: ParsedSite, drafts: Bool = false) -> [Finding] {
        let byKey = Dictionary(site.sources.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var newest: [String: SourceDocument] = [:]
        for doc in site.sources where newest[doc.family].map({ doc.date > $0.date }) ?? true {
            newest[doc.family] = doc
        }
        var findings: [Finding] = []
        for page in site.pages where page.kind == .requirement && page.status == .active && (drafts || !page.draft) {
            // The newest date this page cites, per family: citing the newest edition anywhere
            // on the page means it has been reviewed against it.
            var citedDate: [String: String] = [:]
            for ref in page.sources {
                guard let doc = byKey[ref.doc] else { continue }
                citedDate[doc.family] = max(citedDate[doc.family] ?? "", doc.date)
            }
            for ref in page.sources {
                guard let doc = byKey[ref.doc], let latest = newest[doc.family],
                      latest.date > doc.date, (citedDate[doc.family] ?? "") < latest.date else { continue }
                findings.append(Finding(requirement: page.id, title: page.title, citation: ref, cited: doc, newest: latest))
            }
        }
        return findings.sorted { ($0.citation.location.path, $0.citation.location.line, $0.citation.location.column) < ($1.citation.location.path, $1.citation.location.line, $1.citation.location.column) }
    }

    /// One `path:line:column: note: … [older-edition]` line per finding (the format editors
    /// jump from), then a count. `labels`: the site's words for the kinds of content.
    public static func report(_ findings: [Finding], labels: KindLabels = .builtin) -> String {
        let requirement = labels[.requirement]
        guard !findings.isEmpty else { return "tebiki: 古い版だけを出典としている\(requirement)はありません。\n" }
        var s = ""
        for f in findings {
            let at = f.citation.location
            let message = "\(requirement)「\(f.requirement)」の出典 \(f.cited.key) \(f.citation.section) は古い版（\(f.cited.edition)）です。同じ文書の新しい版 \(f.newest.key)（\(f.newest.edition)）が登録されています。"
            s += "\(Diagnostic.escapedForTerminal(at.path)):\(at.line):\(at.column): note: \(Diagnostic.escapedForTerminal(message)) [older-edition]\n"
        }
        let pages = Set(findings.map(\.requirement)).count
        s += "tebiki: 古い版を出典としている\(requirement) \(pages) 件（出典 \(findings.count) か所）。\n"
        return s
    }
}
