import Foundation

/// Checks everything that spans files: IDs, facets and grades against site.yml, sources,
/// links, related pages, checklist targets and history. Collects every problem; never stops early.
enum Validator {
    /// The `.html` pages a build of `site` writes (content pages, built-in pages, facet values,
    /// editions, static pages), and which content page each one is.
    struct SitePages {
        var html: Set<String> = []
        var pageAt: [String: ContentPage] = [:]

        init(_ site: ParsedSite) {
            for page in site.pages where !page.id.isEmpty { pageAt[SiteModel.url(of: page)] = page }
            html = Set(pageAt.keys).union(ConfigLoader.menuPages.map(\.url)).union([PageRenderer.notFoundPath])
            for f in site.config.facets { for v in f.values { html.insert(PageRenderer.facetURL(f.key, v.key)) } }
            for doc in site.sources { html.insert("changes/\(doc.key).html") }
            html.formUnion(site.files.filter { $0.hasSuffix(".html") })
        }
    }

    /// Files the build writes besides pages and copied files; a link may name them.
    static func generatedFile(_ path: String) -> Bool {
        ["data/", "search/", "exports/"].contains(where: path.hasPrefix)
            || ["changes/feed.xml", "sitemap.xml", "assets/css/colors.css"].contains(path)
            || (path.hasPrefix("checklists/") && path.hasSuffix(".csv"))
    }

    /// A link or image that names a file of the site (`../img/map.png`, `../rules/x.html#y`,
    /// `#y`): the file must be one the build writes, and an anchor one of the target page's
    /// heading ids. Links to `x.md` are checked by the caller.
    static func checkTarget(_ link: MarkdownLink, on page: ContentPage, site: ParsedSite, pages: SitePages, into d: inout Diagnostics) {
        // A URL the renderer drops (javascript: in any spelling) is reported as such, not as a missing file.
        if Markdown.isDangerousURL(link.url, image: link.image) { return }
        switch LinkResolver.classify(link.url, from: SiteModel.url(of: page)) {
        case .fragment:
            if !link.image { checkAnchor(link, in: page, into: &d) }
        case .sitePath(let raw):
            let path = raw.removingPercentEncoding ?? raw
            if path.isEmpty || path.hasSuffix("/") {
                if link.image || !path.isEmpty {
                    d.error(link.image ? "missing-image" : "broken-link", "リンク先「\(link.url)」はファイルを指していません。ページは x.md か .html のファイル名まで、画像はファイル名まで書いてください。", at: link.location)
                }
            } else if link.image {
                guard !site.files.contains(path) else { return }
                let images = site.files.filter { !$0.hasPrefix("assets/") || $0.hasPrefix("assets/img/") }
                d.error("missing-image", "画像「\(link.url)」が見つかりません（\(lookedAt(link, page: page, output: path))）。\(missingFileHint(link, page: page, site: site, outputs: images))", at: link.location)
            } else if path.hasSuffix(".html") {
                if pages.html.contains(path) {
                    if let target = pages.pageAt[path] { checkAnchor(link, in: target, into: &d) }
                } else {
                    let hint = Suggest.nearest(to: path, in: pages.html.sorted()).map { "「\($0)」の誤りではありませんか。" } ?? ""
                    d.error("broken-link", "リンク先「\(link.url)」のページ（\(path)）はサイトにありません。\(hint)", at: link.location)
                }
            } else if !site.files.contains(path), !generatedFile(path) {
                d.error("broken-link", "リンク先「\(link.url)」のファイルはサイトにありません（\(lookedAt(link, page: page, output: path))）。\(missingFileHint(link, page: page, site: site, outputs: site.files))", at: link.location)
            }
        case .content, .external, .absolutePath, .fileURL, .outsideSite:
            break
        }
    }

    /// Where a missing file was looked for: beside the Markdown file in content/ (when the path
    /// leads there) and in the output (static/, the theme's assets, generated files).
    static func lookedAt(_ link: MarkdownLink, page: ContentPage, output: String) -> String {
        guard let (parts, _) = LinkResolver.sourceRelative(link.url, fromSource: page.path), parts.first == "content" else {
            return "出力では \(output)"
        }
        let written = parts.joined(separator: "/")
        return "\(written.removingPercentEncoding ?? written) にも、出力の \(output) にもありません"
    }

    /// The nearest existing file as the author would write it: a file of content/ relative to
    /// the Markdown file, a file of the output (static/, theme assets) relative to the page.
    static func missingFileHint(_ link: MarkdownLink, page: ContentPage, site: ParsedSite, outputs: Set<String>) -> String {
        let root = LinkResolver.root(for: SiteModel.url(of: page))
        let candidates = outputs.map { root + $0 } + site.contentFiles.map { LinkResolver.relative(from: page.path, to: $0) }
        let written = String(link.url.prefix { $0 != "?" && $0 != "#" })
        return Suggest.nearest(to: written.removingPercentEncoding ?? written, in: candidates.sorted()).map { "「\($0)」の誤りではありませんか。" }
            ?? "画像や資料は、ページの Markdown ファイルの隣（content/ の中）か static/ に置き、Markdown ファイルからの相対パスで書いてください。"
    }

    /// `#anchor` of a link: one of the heading ids of `page` (as the renderer makes them).
    static func checkAnchor(_ link: MarkdownLink, in page: ContentPage, into d: inout Diagnostics) {
        guard let raw = LinkResolver.fragment(of: link.url), !raw.isEmpty else { return }
        let anchor = raw.removingPercentEncoding ?? raw
        guard !page.anchors.contains(anchor), anchor != "main" else { return }
        let hint = Suggest.nearest(to: anchor, in: page.anchors).map { "「#\($0)」の誤りではありませんか。" }
            ?? (page.anchors.isEmpty ? "このページには見出しがありません。" : "見出しの id: \(page.anchors.prefix(8).map { "#" + $0 }.joined(separator: "、"))。")
        d.error("broken-anchor", "リンク先「\(link.url)」の「#\(anchor)」は、\(page.path) の見出しにありません。\(hint)", at: link.location)
    }

    /// `drafts`: the pages left out as drafts (ID → path); a reference to one of them is
    /// reported as such instead of as a missing page.
    /// `labels`: the site's words for the kinds of content (its theme's strings), used in messages.
    static func validate(_ site: ParsedSite, drafts: [String: String] = [:], labels: KindLabels = .builtin) -> Diagnostics {
        var d = Diagnostics()
        let config = site.config

        // Source registry keys.
        var sourceKeys: [String: SourceDocument] = [:]
        for doc in site.sources {
            if doc.key.wholeMatch(of: asciiKeyPattern) == nil {
                d.error("invalid-id", "出典のキー「\(doc.key)」は半角英小文字・数字・ハイフンで、英字から始めてください。", at: doc.location)
            }
            if sourceKeys[doc.key] != nil {
                d.error("duplicate-id", "出典のキー「\(doc.key)」が重複しています。", at: doc.location)
            }
            sourceKeys[doc.key] = doc
        }

        // IDs: well formed, equal to the file name, unique across the site.
        var byID: [String: ContentPage] = [:]
        for page in site.pages {
            guard !page.id.isEmpty else { continue }
            let validID = page.id.wholeMatch(of: asciiKeyPattern) != nil
            if !validID {
                d.error("invalid-id", "ID「\(page.id)」は半角英小文字・数字・ハイフンで、英字から始めてください。\(unusableCharacter(in: page.id))", at: page.idLocation)
            }
            let fileName = String(page.path.split(separator: "/").last?.dropLast(3) ?? "")
            // A malformed ID next to a well-formed file name is one mistake: reported once, above.
            if fileName != page.id, validID || fileName.wholeMatch(of: asciiKeyPattern) == nil {
                let hint = fileName.wholeMatch(of: asciiKeyPattern) == nil ? unusableCharacter(in: fileName, what: "ファイル名") : ""
                d.error("id-file-mismatch", "ID「\(page.id)」とファイル名「\(fileName).md」が一致しません。リンクはファイル名で解決するため、そろえてください。\(hint)", at: page.idLocation)
            }
            if let other = byID[page.id] {
                d.error("duplicate-id", "ID「\(page.id)」は \(other.path) でも使われています。IDはサイト全体で一意にしてください。", at: page.idLocation)
            } else {
                byID[page.id] = page
            }
        }

        checkOutputPaths(site, into: &d)

        let pages = SitePages(site)
        var synonymOwner: [String: String] = [:]
        for page in site.pages {
            for s in page.sources where sourceKeys[s.doc] == nil {
                let hint = Suggest.nearest(to: s.doc, in: Array(sourceKeys.keys)).map { "「\($0)」の誤りではありませんか。" } ?? ""
                d.error("unknown-source", "出典「\(s.doc)」は \(ParsePhase.sourcesPath) に登録されていません。\(hint)", at: s.location)
            }
            for s in page.sources where s.section.trimmingCharacters(in: .whitespaces).isEmpty {
                d.error("missing-field", "出典「\(s.doc)」の section（節・項目の番号）が空です。", at: s.location)
            }
            if page.kind == .requirement, page.sources.isEmpty, page.title.isEmpty == false {
                d.error("missing-source", "\(labels[.requirement])には出典（sources）を1つ以上書いてください。", at: page.idLocation)
            }
            checkFacets(page.facets, config: config, graded: true, into: &d)
            checkFacets(page.selection, config: config, graded: false, into: &d)
            if page.kind == .requirement { checkApplicability(page, config: config, labels: labels, into: &d) }
            for r in page.related where byID[r.value] == nil {
                if draftReference(r.value, drafts: drafts, at: r.location, into: &d) { continue }
                let hint = Suggest.nearest(to: r.value, in: Array(byID.keys)).map { "「\($0)」の誤りではありませんか。" } ?? ""
                d.error("unknown-reference", "related の「\(r.value)」というページはありません。\(hint)", at: r.location)
            }
            for item in page.items {
                if let target = byID[item.requirement] {
                    if target.kind != .requirement {
                        d.error("wrong-target", "チェック項目の requirement「\(item.requirement)」は\(labels[.requirement])ではありません（\(labels[target.kind])）。", at: item.location)
                    }
                } else if !draftReference(item.requirement, drafts: drafts, at: item.location, into: &d) {
                    d.error("unknown-reference", "チェック項目が指す\(labels[.requirement])「\(item.requirement)」はありません。", at: item.location)
                }
            }
            for link in page.links {
                // Written from the Markdown file to static/ (as an editor previews it): the renderer rewrites it.
                if let path = LinkResolver.staticTarget(of: link.url, fromSource: page.path) {
                    let file = String(path.prefix { $0 != "?" && $0 != "#" })
                    if !site.files.contains(file.removingPercentEncoding ?? file) {
                        let hint = Suggest.nearest(to: "static/" + file, in: site.files.map { "static/" + $0 }.sorted()).map { "「\($0)」の誤りではありませんか。" } ?? ""
                        d.error(link.image ? "missing-image" : "broken-link", "リンク先「\(link.url)」のファイル static/\(file) がありません。\(hint)", at: link.location)
                    }
                    continue
                }
                // Written from the Markdown file to a file beside it in content/: copied (ContentFiles).
                if !site.contentFiles.isEmpty, let t = ContentFiles.target(of: link.url, fromSource: page.path), site.contentFiles.contains(t.file) { continue }
                switch LinkResolver.classify(link.url, from: SiteModel.url(of: page)) {
                case .absolutePath:
                    d.error("absolute-link", "リンク先「\(link.url)」は / で始まる絶対パスです。サイトはフォルダごと移して使うため、相対パスか、ページならファイル名（x.md）で書いてください。", at: link.location)
                case .fileURL where !link.image:
                    d.error("file-link", "リンク先「\(link.url)」は file: の URL です。読む人のパソコンのファイルを指すため使えません（リンクは出力されません）。", at: link.location)
                case .outsideSite:
                    d.error("link-outside-site", "リンク先「\(link.url)」の ../ がサイトのフォルダの外に出ています。ページへのリンクはファイル名（x.md）で書いてください。", at: link.location)
                case .content, .fragment, .external, .sitePath, .fileURL:
                    // javascript:, vbscript:, data: (any spelling): the renderer drops the URL and keeps the text.
                    if Markdown.isDangerousURL(link.url, image: link.image) {
                        d.warning("unsafe-url", "リンク先「\(Markdown.printable(link.url))」はスクリプトなどを実行できる URL のため、ページには出力しません（リンクの文字だけが残ります）。", at: link.location)
                    }
                }
                checkTarget(link, on: page, site: site, pages: pages, into: &d)
                guard let target = LinkResolver.contentTarget(of: link.url) else { continue }
                if byID[target] == nil, !draftReference(target, drafts: drafts, at: link.location, into: &d) {
                    let hint = Suggest.nearest(to: target, in: Array(byID.keys)).map { "「\($0).md」の誤りではありませんか。" } ?? ""
                    d.error("broken-link", "リンク先「\(link.url)」のページはありません。\(hint)", at: link.location)
                } else if let page = byID[target] {
                    checkAnchor(link, in: page, into: &d)
                }
            }
            if page.kind == .glossary {
                for s in [page.title] + page.synonyms {
                    let key = s.lowercased()
                    if let owner = synonymOwner[key], owner != page.id {
                        d.warning("duplicate-synonym", "「\(s)」は用語「\(owner)」の同義語としても登録されています。検索の同義語展開があいまいになります。", at: page.idLocation)
                    }
                    synonymOwner[key] = page.id
                }
            }
            checkHistory(page, sources: sourceKeys, byID: byID, drafts: drafts, labels: labels, into: &d)
        }
        ContentFiles.check(site, into: &d)
        return d
    }

    /// Names the first character that is not allowed in an ID, with its code point, so that
    /// look-alikes (Cyrillic а, full-width ａ) and invisible characters (zero-width space) can be found.
    /// Reports a reference from a published page to a draft; false when `id` is no draft.
    static func draftReference(_ id: String, drafts: [String: String], at location: SourceLocation, into d: inout Diagnostics) -> Bool {
        guard let path = drafts[id] else { return false }
        d.error("link-to-draft", "「\(id)」は下書き（\(path) に draft: true）のため公開されません。公開するページから下書きへは参照できません（下書きも含めて確かめるには --drafts）。", at: location)
        return true
    }

    static func unusableCharacter(in text: String, what: String = "ID") -> String {
        for (i, scalar) in text.unicodeScalars.enumerated() {
            let allowed = ("a"..."z").contains(scalar) || (i > 0 && (("0"..."9").contains(scalar) || scalar == "-"))
            guard !allowed else { continue }
            let code = "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
            let name = scalar.properties.name.map { " \($0)" } ?? ""
            let shown = scalar.properties.generalCategory == .format || scalar.properties.generalCategory == .control
                || scalar.properties.isWhitespace ? "（見えない文字）" : "「\(scalar)」"
            return "\(what)の\(i + 1)文字目\(shown)は \(code)\(name) です。"
        }
        return ""
    }

    /// Every output path is claimed once. IDs, source keys and facet keys are each unique in
    /// their own kind, but their pages share folders with the fixed pages and with each other:
    /// requirement `index` replaced `rules/index.html`, source key `index` replaced
    /// `changes/index.html`, and facet `a` + value `b-c` and facet `a-b` + value `c` both wrote
    /// `facets/a-b-c.html`. A second claim is an error at both places (or at the one place, for
    /// a page that every site has).
    /// Longest file name (one path component) in bytes that common file systems accept.
    static let maxFileNameBytes = 255

    static func checkOutputPaths(_ site: ParsedSite, into d: inout Diagnostics) {
        var claims: [String: (what: String, location: SourceLocation)] = [:]
        func claim(_ path: String, _ what: String, _ location: SourceLocation) {
            // A name the file system cannot hold (255 bytes per name on ext4, XFS, Btrfs, APFS,
            // NTFS) is found here, not when the build writes it.
            if let name = path.split(separator: "/").last, name.utf8.count > maxFileNameBytes {
                d.error("name-too-long", "\(what)のファイル名 \(name.prefix(40))… が \(name.utf8.count) バイトあり、ファイルシステムの上限（\(maxFileNameBytes) バイト）を超えます。ID（キー）を短くしてください。", at: location)
                return
            }
            if PageRenderer.fixedPaths.contains(path) {
                d.error("output-collision", "\(what)の出力先 \(path) は、Tebiki が作る一覧のページと同じです。別の ID（キー）にしてください。", at: location)
            } else if let first = claims[path] {
                d.error("output-collision", "\(what)の出力先 \(path) は、\(first.what)（\(first.location.path):\(first.location.line)）の出力先と同じです。どちらかの ID（キー）を変えてください。", at: location)
                d.error("output-collision", "\(first.what)の出力先 \(path) は、\(what)（\(location.path):\(location.line)）の出力先と同じです。どちらかの ID（キー）を変えてください。", at: first.location)
            } else {
                claims[path] = (what, location)
            }
        }
        let valid = { (key: String) in key.wholeMatch(of: asciiKeyPattern) != nil }
        var seenIDs = Set<String>()
        for page in site.pages where valid(page.id) && seenIDs.insert(page.id).inserted {  // duplicates: reported above
            claim(SiteModel.url(of: page), "ID「\(page.id)」のページ", page.idLocation)
        }
        var seenSources = Set<String>()
        for doc in site.sources where valid(doc.key) && seenSources.insert(doc.key).inserted {
            claim("changes/\(doc.key).html", "出典「\(doc.key)」の改定のページ", doc.location)
        }
        var seenFacets = Set<String>()
        for facet in site.config.facets where valid(facet.key) && seenFacets.insert(facet.key).inserted {
            var seenValues = Set<String>()
            for value in facet.values where valid(value.key) && seenValues.insert(value.key).inserted {
                claim(PageRenderer.facetURL(facet.key, value.key), "観点「\(facet.key)」の値「\(value.key)」のページ",
                      value.location ?? SourceLocation(path: "site.yml"))
            }
        }
    }

    static func checkFacets(_ assignments: [FacetAssignment], config: SiteConfig, graded: Bool, into d: inout Diagnostics) {
        for a in assignments {
            guard let facet = config.facet(a.facet) else {
                let hint = Suggest.nearest(to: a.facet, in: config.facets.map(\.key)).map { "「\($0)」の誤りではありませんか。" } ?? ""
                d.error("unknown-facet", "観点「\(a.facet)」は site.yml に定義されていません。\(hint)", at: a.location)
                continue
            }
            let hasAll = a.values.contains { $0.value == allValueKey }
            if hasAll, a.values.count > 1 {
                d.error("all-with-values", "観点「\(facet.label)」（\(facet.key)）に all（\(facet.allLabel ?? "すべて")）と個別の値が両方あります。どちらか一方にしてください。", at: a.location)
            }
            for v in a.values {
                if v.value == allValueKey, facet.allLabel != nil {
                    if !graded {
                        d.error("unknown-facet-value", "場面の selection に all は使えません。当てはまる値を選ぶか、観点を書かないでください。", at: v.location)
                    }
                    continue
                }
                if facet.value(v.value) == nil {
                    let hint = Suggest.nearest(to: v.value, in: facet.values.map(\.key)).map { "「\($0)」の誤りではありませんか。" }
                        ?? "使える値: \(facet.values.map(\.key).joined(separator: ", "))"
                    d.error("unknown-facet-value", "観点「\(facet.label)」（\(facet.key)）に値「\(v.value)」は定義されていません。\(hint)", at: v.location)
                }
                if graded, facet.kind == .graded, let g = v.grade, config.grade(g) == nil {
                    d.error("invalid-grade", "評価「\(g)」は site.yml の grades にありません。使える評価: \(config.grades.map(\.key).joined(separator: ", "))。", at: v.location)
                }
            }
        }
    }

    /// Applicability is explicit: every active requirement states each facet whose site.yml
    /// entry says `lookup: required` (error) or `lookup: warning` (warning), as values or `all`.
    /// A grade needs a source section the facet's `graded_by` lists, and a value with
    /// `sources:` (区分 基本遵守事項) needs one of its sections among the requirement's sources.
    static func checkApplicability(_ page: ContentPage, config: SiteConfig, labels: KindLabels, into d: inout Diagnostics) {
        if page.status == .active {
            for facet in config.facets where facet.lookup != .none {
                let stated = page.facets.contains { $0.facet == facet.key && !$0.values.isEmpty }
                guard !stated else { continue }
                let message = "\(labels[.requirement])に観点「\(facet.label)」（\(facet.key)）の値がありません。当てはまる値を書くか、すべての場合に当てはまるなら「\(facet.key): all」（\(facet.allLabel ?? "すべて")）と書いてください。値がないと、条件を選んで調べるページ（lookup.html）の一覧に出ません。"
                let at = page.facetsLocation ?? page.idLocation
                if facet.lookup == .required { d.error("missing-facet", message, at: at) } else { d.warning("missing-facet", message, at: at) }
            }
        }
        func cites(_ patterns: [SourcePattern]) -> Bool {
            page.sources.contains { s in patterns.contains { $0.matches(doc: s.doc, section: s.section) } }
        }
        for a in page.facets {
            guard let facet = config.facet(a.facet) else { continue }
            if facet.kind == .graded, !facet.gradedBy.isEmpty, !cites(facet.gradedBy),
               let v = a.values.first(where: { $0.grade != nil }) {
                let allowed = facet.gradedBy.map { "\($0.doc) \($0.section)" }.joined(separator: "、")
                d.error("ungraded-source", "観点「\(facet.label)」の値「\(v.value)」に評価（\(v.grade ?? "")）がありますが、この\(labels[.requirement])の出典は評価を付けていません（評価を付けている出典: \(allowed)）。評価なしで当てはまることを示すには、値の一覧（\(facet.key): [\(v.value)]）で書いてください。", at: v.location)
            }
            for v in a.values {
                guard let fv = facet.value(v.value), !fv.sources.isEmpty, !cites(fv.sources) else { continue }
                let allowed = fv.sources.map { "\($0.doc) \($0.section)" }.joined(separator: "、")
                d.error("ungraded-source", "観点「\(facet.label)」の値「\(fv.label)」は、出典がそのように区分している\(labels[.requirement])にだけ使えます（\(allowed)）。この\(labels[.requirement])の出典にはその区分がありません。", at: v.location)
            }
        }
    }

    static func checkHistory(_ page: ContentPage, sources: [String: SourceDocument], byID: [String: ContentPage],
                             drafts: [String: String] = [:], labels: KindLabels, into d: inout Diagnostics) {
        var lastDateByFamily: [String: String] = [:]
        var removed = false
        for (i, h) in page.history.enumerated() {
            guard let edition = sources[h.edition] else {
                d.error("unknown-edition", "版「\(h.edition)」は \(ParsePhase.sourcesPath) に登録されていません。", at: h.location)
                continue
            }
            if let last = lastDateByFamily[edition.family], edition.date < last {
                d.error("history-order", "履歴の版が古い順になっていません（「\(h.edition)」が前の項目より古い版です）。", at: h.location)
            }
            lastDateByFamily[edition.family] = edition.date
            if h.change == .added && i > 0 && page.history[..<i].contains(where: { $0.change != .removed }) {
                d.error("history-order", "「追加」（added）の前に別の履歴があります。追加は最初の履歴にしてください。", at: h.location)
            }
            if removed && h.change != .added {
                d.error("history-order", "削除（removed）の後に「\(h.change.label)」の履歴があります。", at: h.location)
            }
            removed = h.change == .removed
            if h.change == .changed && (h.before == nil || h.after == nil) {
                d.error("missing-field", "「変更」（changed）の履歴には before と after の両方を書いてください。", at: h.location)
            }
        }
        if page.status != .active {
            if let s = page.successor, byID[s.value] == nil, !draftReference(s.value, drafts: drafts, at: s.location, into: &d) {
                d.error("unknown-reference", "後継の\(labels[.requirement])「\(s.value)」はありません。", at: s.location)
            }
            if page.status == .renamed && page.successor == nil {
                d.error("missing-field", "status が renamed の\(labels[.requirement])には successor（新しいID）を書いてください。", at: page.idLocation)
            }
        } else if let s = page.successor {
            d.warning("unused-successor", "successor は status が retired または renamed のときだけ使われます。", at: s.location)
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
