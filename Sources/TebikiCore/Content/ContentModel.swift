/// Plain values for the content as written, after parsing. Positions are kept so later
/// phases (validation) can point at the line an author wrote.

public enum ContentKind: String, Sendable, CaseIterable {
    case requirement, glossary, checklist, scenario

    /// The folder under `content/` that holds this kind.
    public var folder: String {
        switch self {
        case .requirement: "requirements"
        case .glossary: "glossary"
        case .checklist: "checklists"
        case .scenario: "scenarios"
        }
    }

    /// The folder in the built site.
    public var outputFolder: String {
        switch self {
        case .requirement: "rules"
        case .glossary: "glossary"
        case .checklist: "checklists"
        case .scenario: "scenarios"
        }
    }
}

/// What a site calls each kind of content: its theme's `page_kind_*` words (the site's
/// strings.yml over the built-in one), for messages to authors and `tebiki diff`, so a site
/// that calls its requirements 「ルール」 reads ルール there too. No word is written in Swift.
public struct KindLabels: Sendable, Equatable {
    var words: [ContentKind: String]

    public init(_ words: [ContentKind: String]) { self.words = words }

    /// The word for `kind`; its key (`requirement`) if the theme has none.
    public subscript(_ kind: ContentKind) -> String { words[kind] ?? kind.rawValue }
}

public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var location: SourceLocation
}

extension Located: Equatable where Value: Equatable {}

public struct SourceRef: Sendable, Equatable {
    public var doc: String
    public var section: String
    public var location: SourceLocation
}

/// The values a page has for one facet: a set for `multi`, value → grade for `graded`.
public struct FacetAssignment: Sendable, Equatable {
    public var facet: String
    public var location: SourceLocation
    /// Value keys in the order written, each with its grade key (nil for multi facets).
    public var values: [(value: String, grade: String?, location: SourceLocation)]

    public static func == (a: FacetAssignment, b: FacetAssignment) -> Bool {
        a.facet == b.facet && a.values.map { "\($0.value)=\($0.grade ?? "")" } == b.values.map { "\($0.value)=\($0.grade ?? "")" }
    }
}

public enum ChangeKind: String, Sendable, CaseIterable {
    case added, changed, renamed, removed

    public var label: String {
        switch self {
        case .added: "追加"
        case .changed: "変更"
        case .renamed: "名称変更"
        case .removed: "削除"
        }
    }
}

public struct HistoryEntry: Sendable, Equatable {
    public var edition: String
    public var change: ChangeKind
    public var note: String
    public var before: String?
    public var after: String?
    public var location: SourceLocation
}

public enum RequirementStatus: String, Sendable {
    case active, retired, renamed
}

public struct ChecklistItem: Sendable, Equatable {
    public var group: String?
    public var text: String
    public var requirement: String
    public var section: String?
    public var location: SourceLocation
}

/// One content file of any kind. Fields a kind does not use stay empty.
public struct ContentPage: Sendable, Equatable {
    public var kind: ContentKind
    public var id: String
    public var idLocation: SourceLocation
    public var path: String
    public var title: String
    public var summary: String
    public var sources: [SourceRef]
    public var facets: [FacetAssignment]
    public var related: [Located<String>]
    public var history: [HistoryEntry]
    public var status: RequirementStatus
    public var successor: Located<String>?
    // Glossary
    public var reading: String?
    public var synonyms: [String]
    // Checklist
    public var items: [ChecklistItem]
    // Scenario: facet → values
    public var selection: [FacetAssignment]
    /// Markdown body and the number of file lines before it.
    public var body: String
    public var bodyLineOffset: Int
    /// Links and images found in the body (for validation).
    public var links: [MarkdownLink]
    /// The ids of the body's headings (`#anchors` a link may name).
    public var anchors: [String] = []
    /// Where the `facets:` key is (for "missing facet" findings); nil when there is none.
    public var facetsLocation: SourceLocation? = nil
    /// `draft: true`: left out of the build (pages, search, lookup, exports) unless drafts are asked for.
    public var draft = false
}

public struct SourceDocument: Sendable, Equatable {
    public var key: String
    public var title: String
    public var publisher: String
    public var date: String
    public var edition: String
    public var family: String
    /// Short names people search by (統一基準, 手引書); indexed with every page citing it.
    public var aliases: [String] = []
    /// What the document is, when its title alone could mislead (a draft, a slide deck):
    /// shown on the 出典文書 page. Optional, plain text.
    public var note: String = ""
    public var location: SourceLocation
    /// The document's official address (`url:`, http or https only), linked on 出典文書.
    public var url: String = ""
}
