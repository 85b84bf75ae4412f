//! Employees' photos on lines (AST-6): what may be uploaded and the sizes kept. The type is
//! read from the file's first bytes, never from its name or the browser's word for it.

/// The largest file accepted, in bytes.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The longest side, in pixels, of a picture that is decoded at all: a small file that claims
/// to be enormous (a decompression bomb) is refused before it takes the memory.
pub const MAX_SIDE: u32 = 12_000;

/// The longest side of the photo kept.
pub const PHOTO_SIDE: u32 = 1_024;

/// The side of the square thumbnail lists show.
pub const THUMBNAIL_SIDE: u32 = 128;

/// The formats a photo may arrive in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    Jpeg,
    Png,
    WebP,
}

/// The format `bytes` start like, if it is one of those accepted.
pub fn sniff(bytes: &[u8]) -> Option<PhotoFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(PhotoFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(PhotoFormat::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(PhotoFormat::WebP)
    } else {
        None
    }
}

/// Why a file is not taken as a photo; `code` is the message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoProblem {
    Empty,
    TooLarge,
    /// Not JPEG, PNG or WebP by its content.
    NotAnImage,
    /// It starts like an image but cannot be decoded, or claims to be too big.
    Unreadable,
}

impl PhotoProblem {
    pub fn code(self) -> &'static str {
        match self {
            PhotoProblem::Empty => "photo-empty",
            PhotoProblem::TooLarge => "photo-too-large",
            PhotoProblem::NotAnImage => "photo-not-an-image",
            PhotoProblem::Unreadable => "photo-unreadable",
        }
    }
}

/// The checks made before decoding: present, not too large, one of the formats.
pub fn check(bytes: &[u8]) -> Result<PhotoFormat, PhotoProblem> {
    if bytes.is_empty() {
        return Err(PhotoProblem::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(PhotoProblem::TooLarge);
    }
    sniff(bytes).ok_or(PhotoProblem::NotAnImage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_is_read_from_the_content() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(PhotoFormat::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(PhotoFormat::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(PhotoFormat::WebP));
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), None);
        assert_eq!(sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff(b"GIF89a"), None);
    }

    #[test]
    fn size_and_emptiness_are_checked_first() {
        assert_eq!(check(b""), Err(PhotoProblem::Empty));
        let mut big = b"\xFF\xD8\xFF".to_vec();
        big.resize(MAX_BYTES + 1, 0);
        assert_eq!(check(&big), Err(PhotoProblem::TooLarge));
        assert_eq!(check(b"hello"), Err(PhotoProblem::NotAnImage));
        assert_eq!(check(b"\xFF\xD8\xFF\xE0"), Ok(PhotoFormat::Jpeg));
    }
}
