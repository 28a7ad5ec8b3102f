import Foundation

/// `sitemap.xml`, written only when site.yml has `baseURL:` (a sitemap needs absolute
/// addresses). Lists every HTML page but the 404 page and the pages that only redirect.
enum Sitemap {
    static func xml(_ jobs: [PageRenderer.Job], baseURL: String) -> Data {
        let urls = jobs.filter { $0.redirect == nil && $0.path != PageRenderer.notFoundPath }.map(\.path).sorted()
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for path in urls { out += "  <url><loc>\(Feed.xml(baseURL + path))</loc></url>\n" }
        out += "</urlset>\n"
        return Data(out.utf8)
    }
}
