/// A glossary term, from `content/glossary/<slug>.md` (YAML front matter, then Markdown sections).
public struct GlossaryTerm: Sendable, Hashable, Codable, Identifiable {
    public var id: String { slug }
    public var slug: String
    public var term: String
    public var alsoKnownAs: [String]
    public var category: String
    public var related: [String]
    public var sources: [String]
    public var reviewed: String?
    /// Markdown sections by heading: "Definition", "Deeper dive", "Practical example", "Workflow example".
    public var sections: [Section]
    public struct Section: Sendable, Hashable, Codable { public var heading: String; public var markdown: String
        public init(heading: String, markdown: String) { self.heading = heading; self.markdown = markdown } }
    public init(slug: String, term: String, alsoKnownAs: [String], category: String, related: [String], sources: [String],
                reviewed: String?, sections: [Section]) {
        self.slug = slug; self.term = term; self.alsoKnownAs = alsoKnownAs; self.category = category; self.related = related
        self.sources = sources; self.reviewed = reviewed; self.sections = sections
    }
}

/// An errors-KB article, from `content/errors/<slug>.md`: literal error text, cause, numbered fix.
public struct ErrorArticle: Sendable, Hashable, Codable, Identifiable {
    public var id: String { slug }
    public var slug: String
    public var title: String
    public var category: String
    /// Literal strings users see in logs.
    public var errorText: [String]
    /// Case-insensitive substrings matched against pasted logs.
    public var patterns: [String]
    public var related: [String]
    public var verified: String?
    public var sources: [String]
    public var sections: [GlossaryTerm.Section]
    public init(slug: String, title: String, category: String, errorText: [String], patterns: [String], related: [String],
                verified: String?, sources: [String], sections: [GlossaryTerm.Section]) {
        self.slug = slug; self.title = title; self.category = category; self.errorText = errorText; self.patterns = patterns
        self.related = related; self.verified = verified; self.sources = sources; self.sections = sections
    }
}
