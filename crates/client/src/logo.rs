//! The company logo of a deployment file: carried in the file as a `data:`
//! URL (so the file is all IT ships) or a picture next to it.
//!
//! A logo is decoration: one that cannot be used is a warning for IT, never a
//! reason to refuse the whole file.

use std::fmt;
use std::path::{Path, PathBuf};

use base64::Engine as _;

/// Largest logo accepted (bigger files are not a logo).
pub const LOGO_MAX_BYTES: usize = 512 * 1024;

/// The picture formats the window shows, by media type and file extensions.
const FORMATS: &[(&str, &[&str])] = &[
    ("image/png", &["png"]),
    ("image/svg+xml", &["svg"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("image/gif", &["gif"]),
    ("image/webp", &["webp"]),
];

/// A usable logo: a known picture format, at most [`LOGO_MAX_BYTES`].
#[derive(Clone, PartialEq, Eq)]
pub struct Logo {
    media_type: &'static str,
    bytes: Vec<u8>,
    file: Option<PathBuf>,
}

impl fmt::Debug for Logo {
    /// The format, size and file, not the picture's bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logo")
            .field("media_type", &self.media_type)
            .field("bytes", &self.bytes.len())
            .field("file", &self.file)
            .finish()
    }
}

impl Logo {
    /// Reads the logo as `branding.logo` gives it: a `data:` URL, or a path
    /// relative to the folder of the deployment file at `deployment_path`.
    /// The error says what is wrong, for IT (it names the file, never the
    /// picture's data).
    pub(crate) fn load(deployment_path: &Path, written: &str) -> Result<Self, String> {
        if let Some(url) = written.strip_prefix("data:") {
            return Self::from_data_url(url);
        }
        let folder = deployment_path.parent().unwrap_or(Path::new("."));
        let file = folder.join(written);
        let media_type = file
            .extension()
            .and_then(|e| e.to_str())
            .and_then(|e| media_type_of_extension(&e.to_ascii_lowercase()))
            .ok_or_else(|| {
                format!(
                    "{} is not a PNG, SVG, JPEG, GIF or WebP file (by its extension)",
                    file.display()
                )
            })?;
        let meta = std::fs::metadata(&file)
            .map_err(|error| format!("cannot open {}: {error}", file.display()))?;
        if !meta.is_file() {
            return Err(format!("{} is not a file", file.display()));
        }
        if meta.len() > LOGO_MAX_BYTES as u64 {
            return Err(format!("{} is larger than 512 KiB", file.display()));
        }
        let bytes = std::fs::read(&file)
            .map_err(|error| format!("cannot read {}: {error}", file.display()))?;
        Ok(Self {
            media_type,
            bytes,
            file: Some(file),
        })
    }

    /// `url` is what follows `data:`: `image/png;base64,<data>`. Whitespace in
    /// the data is ignored, so a long one may be wrapped in a multi-line string.
    fn from_data_url(url: &str) -> Result<Self, String> {
        let (header, data) = url
            .split_once(',')
            .ok_or("a data: URL needs a comma before its data (data:image/png;base64,…)")?;
        let declared = header.strip_suffix(";base64").ok_or(
            "a data: URL logo must be base64 (data:image/png;base64,…); none other is read",
        )?;
        let media_type = FORMATS
            .iter()
            .map(|(media_type, _)| *media_type)
            .find(|known| known.eq_ignore_ascii_case(declared))
            .ok_or_else(|| {
                format!(
                    "a data: URL logo must be image/png, image/svg+xml, image/jpeg, image/gif or image/webp, not {declared:?}"
                )
            })?;
        let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        // Four base64 characters carry three bytes: refuse before decoding.
        if compact.len() / 4 * 3 > LOGO_MAX_BYTES + 2 {
            return Err("the data: URL logo is larger than 512 KiB".to_owned());
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map_err(|error| format!("the data: URL logo is not valid base64: {error}"))?;
        if bytes.is_empty() {
            return Err("the data: URL logo is empty".to_owned());
        }
        if bytes.len() > LOGO_MAX_BYTES {
            return Err("the data: URL logo is larger than 512 KiB".to_owned());
        }
        Ok(Self {
            media_type,
            bytes,
            file: None,
        })
    }

    /// `image/png`, `image/svg+xml`, …
    pub fn media_type(&self) -> &'static str {
        self.media_type
    }

    /// The picture.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The file it was read from; `None` when the deployment file carries it.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The logo as a `data:` URL, for the window.
    pub fn data_url(&self) -> String {
        let data = base64::engine::general_purpose::STANDARD.encode(&self.bytes);
        format!("data:{};base64,{data}", self.media_type)
    }
}

fn media_type_of_extension(extension: &str) -> Option<&'static str> {
    FORMATS
        .iter()
        .find(|(_, extensions)| extensions.contains(&extension))
        .map(|(media_type, _)| *media_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOYMENT: &str = "/etc/lifeline/deployment.toml";

    fn load(written: &str) -> Result<Logo, String> {
        Logo::load(Path::new(DEPLOYMENT), written)
    }

    #[test]
    fn a_data_url_logo_is_decoded_and_given_back_the_same() -> Result<(), String> {
        let logo = load("data:image/png;base64,iVBORw0KGgo=")?;
        assert_eq!(logo.media_type(), "image/png");
        assert_eq!(logo.bytes(), b"\x89PNG\r\n\x1a\n");
        assert_eq!(logo.file(), None);
        assert_eq!(logo.data_url(), "data:image/png;base64,iVBORw0KGgo=");
        let wrapped = load("data:image/svg+xml;base64,\n  PHN2Zy8+\n")?;
        assert_eq!(wrapped.bytes(), b"<svg/>");
        Ok(())
    }

    #[test]
    fn a_data_url_that_is_not_a_base64_picture_is_refused_saying_why() {
        for (written, says) in [
            ("data:text/html;base64,PGI+", "must be image/png"),
            ("data:image/png,rawdata", "must be base64"),
            ("data:image/png;base64", "needs a comma"),
            ("data:image/png;base64,not base64!", "not valid base64"),
            ("data:image/png;base64,", "empty"),
        ] {
            let problem = load(written).expect_err(written);
            assert!(problem.contains(says), "{written}: {problem}");
        }
    }

    #[test]
    fn a_data_url_logo_over_512_kib_is_refused() {
        let big = base64::engine::general_purpose::STANDARD.encode(vec![0u8; LOGO_MAX_BYTES + 3]);
        let problem = load(&format!("data:image/png;base64,{big}")).expect_err("too large");
        assert!(problem.contains("larger than 512 KiB"), "{problem}");
    }

    #[test]
    fn a_file_logo_needs_a_picture_extension() {
        let problem = load("logo.bmp").expect_err("bmp");
        assert!(
            problem.starts_with("/etc/lifeline/logo.bmp is not a PNG"),
            "{problem}"
        );
    }
}
