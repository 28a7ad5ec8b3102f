/// The OSCAL documents through `JSONWriter`, their only JSON form (OSCAL's hyphenated names
/// spelled here; keys in UTF-8 byte order; an absent optional is left out). The catalog is written
/// twice per build (once for its UUID), so the writer's speed and memory matter here too.
extension OSCALExport.Property: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        if let `class` { w.key("class"); w.string(`class`) }
        w.key("name"); w.string(name)
        if let ns { w.key("ns"); w.string(ns) }
        w.key("value"); w.string(value)
        w.endObject()
    }
}

extension OSCALExport.Link: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("href"); w.string(href)
        if let rel { w.key("rel"); w.string(rel) }
        if let text { w.key("text"); w.string(text) }
        w.endObject()
    }
}

extension OSCALExport.Part: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("name"); w.string(name)
        w.key("prose"); w.string(prose)
        w.endObject()
    }
}

extension OSCALExport.Metadata: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("last-modified"); w.string(lastModified)
        if let links { w.key("links"); links.write(to: &w) }
        w.key("oscal-version"); w.string(oscalVersion)
        if let props { w.key("props"); props.write(to: &w) }
        w.key("title"); w.string(title)
        w.key("version"); w.string(version)
        w.endObject()
    }
}

extension OSCALExport.Control: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.string(id)
        if let links { w.key("links"); links.write(to: &w) }
        if let parts { w.key("parts"); parts.write(to: &w) }
        if let props { w.key("props"); props.write(to: &w) }
        w.key("title"); w.string(title)
        w.endObject()
    }
}

extension OSCALExport.Group: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        if let `class` { w.key("class"); w.string(`class`) }
        w.key("controls"); controls.write(to: &w)
        w.key("id"); w.string(id)
        if let props { w.key("props"); props.write(to: &w) }
        w.key("title"); w.string(title)
        w.endObject()
    }
}

extension OSCALExport.Resource: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("citation"); w.beginObject(); w.key("text"); w.string(citation.text); w.endObject()
        w.key("document-ids"); w.beginArray()
        for d in documentIDs { w.beginObject(); w.key("identifier"); w.string(d.identifier); w.endObject() }
        w.endArray()
        if let props { w.key("props"); props.write(to: &w) }
        w.key("title"); w.string(title)
        w.key("uuid"); w.string(uuid)
        w.endObject()
    }
}

extension OSCALExport.CatalogDocument: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("catalog"); w.beginObject()
        if let backMatter = catalog.backMatter {
            w.key("back-matter"); w.beginObject(); w.key("resources"); backMatter.resources.write(to: &w); w.endObject()
        }
        w.key("groups"); catalog.groups.write(to: &w)
        w.key("metadata"); catalog.metadata.write(to: &w)
        w.key("uuid"); w.string(catalog.uuid)
        w.endObject()
        w.endObject()
    }
}

extension OSCALExport.Selection: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        if let matching {
            w.key("matching"); w.beginArray()
            for m in matching { w.beginObject(); w.key("pattern"); w.string(m.pattern); w.endObject() }
            w.endArray()
        }
        if let withIDs { w.key("with-ids"); w.strings(withIDs) }
        w.endObject()
    }
}

extension OSCALExport.Import: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        if let excludeControls { w.key("exclude-controls"); excludeControls.write(to: &w) }
        w.key("href"); w.string(href)
        if includeAll != nil { w.key("include-all"); w.beginObject(); w.endObject() }
        if let includeControls { w.key("include-controls"); includeControls.write(to: &w) }
        w.endObject()
    }
}

extension OSCALExport.ProfileDocument: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("profile"); w.beginObject()
        w.key("imports"); profile.imports.write(to: &w)
        w.key("merge"); w.beginObject(); w.key("as-is"); w.bool(profile.merge.asIs); w.endObject()
        w.key("metadata"); profile.metadata.write(to: &w)
        w.key("uuid"); w.string(profile.uuid)
        w.endObject()
        w.endObject()
    }
}
