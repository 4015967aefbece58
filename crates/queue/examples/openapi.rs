//! Writes the server's OpenAPI document to stdout as pretty JSON, the form
//! `docs/openapi.json` is checked in as (`cargo xtask openapi` runs this).

use std::io::Write as _;

fn main() -> std::io::Result<()> {
    let document = lifeline_queue::openapi_document();
    let mut text = serde_json::to_string_pretty(&document).map_err(std::io::Error::other)?;
    text.push('\n');
    std::io::stdout().lock().write_all(text.as_bytes())
}
