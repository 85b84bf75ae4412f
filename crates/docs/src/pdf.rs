//! PDF through the typst compiler. The fonts, the standard library and the font book are
//! built once per process; each document is a small world of two files: the layout
//! (`/document.typ`) and its data (`/data.json`).

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::layout::{Frame, FrameItem};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::{Document, RenderError};

const LAYOUT: &str = include_str!("document.typ");
const VAZIRMATN: [&[u8]; 2] = [
    include_bytes!("../fonts/Vazirmatn-Regular.ttf"),
    include_bytes!("../fonts/Vazirmatn-Bold.ttf"),
];

/// What every document shares: the library, the fonts and the layout source.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    layout: Source,
    data_id: FileId,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let mut fonts = Vec::new();
    for data in typst_assets::fonts().chain(VAZIRMATN) {
        fonts.extend(Font::iter(Bytes::new(data)));
    }
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        layout: Source::new(file_id("/document.typ"), LAYOUT.to_owned()),
        data_id: file_id("/data.json"),
    }
});

fn file_id(path: &str) -> FileId {
    // The paths are constants of this module, so they always parse.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("constant path {path}"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// One document being compiled.
struct DocumentWorld {
    data: Bytes,
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        SHARED.layout.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == SHARED.layout.id() {
            Ok(SHARED.layout.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == SHARED.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Documents print their own dates; the layout never asks for today's.
        None
    }
}

fn diagnostics(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// What the layout reads from `/data.json`: the document, and its link's QR code drawn here.
#[derive(serde::Serialize)]
struct Data<'a> {
    #[serde(flatten)]
    doc: &'a Document,
    qr_svg: Option<String>,
}

fn compile(doc: &Document) -> Result<PagedDocument, RenderError> {
    let isolated;
    let doc = if doc.rtl {
        isolated = doc.with_isolated_values();
        &isolated
    } else {
        doc
    };
    let data = serde_json::to_vec(&Data {
        doc,
        qr_svg: doc.qr_link.as_deref().map(crate::qr_svg).filter(|s| !s.is_empty()),
    })
    .map_err(|e| RenderError::Template(e.to_string()))?;
    let world = DocumentWorld { data: Bytes::new(data) };
    let compiled = typst::compile::<PagedDocument>(&world).output;
    // The compiler memoises work between documents; keeping only what recent documents used
    // stops that cache from growing for the life of the process.
    typst::comemo::evict(10);
    compiled.map_err(|errors| RenderError::Template(diagnostics(&errors)))
}

/// The document as PDF bytes, fonts embedded (subset).
pub fn pdf(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let paged = compile(doc)?;
    let options = typst_pdf::PdfOptions {
        creator: typst::foundations::Smart::Custom(Some("Kabinet".into())),
        ..Default::default()
    };
    typst_pdf::pdf(&paged, &options).map_err(|errors| RenderError::Export(diagnostics(&errors)))
}

/// What the layout put on the pages, for checks: the text of every shaped run in order, and
/// how many glyphs no font had (each would print as an empty box).
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub pages: usize,
    pub runs: Vec<String>,
    pub missing_glyphs: usize,
    /// Families of the fonts the runs were set in.
    pub fonts: Vec<String>,
    /// Where each run starts across its page, in points from the left edge (same order as
    /// `runs`), to check the order a reader sees.
    pub run_x: Vec<f64>,
    /// Images placed (the QR code of a document's link).
    pub images: usize,
}

impl Layout {
    /// All the text, runs joined by spaces.
    pub fn text(&self) -> String {
        self.runs.join(" ")
    }
}

/// Lays the document out without writing a PDF.
pub fn layout(doc: &Document) -> Result<Layout, RenderError> {
    let paged = compile(doc)?;
    let mut out = Layout {
        pages: paged.pages().len(),
        ..Default::default()
    };
    for page in paged.pages() {
        collect(&page.frame, 0.0, &mut out);
    }
    out.fonts.sort();
    out.fonts.dedup();
    Ok(out)
}

fn collect(frame: &Frame, x: f64, out: &mut Layout) {
    for (pos, item) in frame.items() {
        let at = x + pos.x.to_pt();
        match item {
            FrameItem::Group(g) => collect(&g.frame, at + g.transform.tx.to_pt(), out),
            FrameItem::Text(t) => {
                out.runs.push(t.text.to_string());
                out.run_x.push(at);
                out.missing_glyphs += t.glyphs.iter().filter(|g| g.id == 0).count();
                out.fonts.push(t.font.info().family.clone());
            }
            FrameItem::Image(..) => out.images += 1,
            _ => {}
        }
    }
}
