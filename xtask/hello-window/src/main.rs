//! A hello-world Tauri window: the baseline that `cargo xtask bench app`
//! measures the Lifeline app against (time to first paint, memory). Built
//! with the app's Tauri version and features, and nothing else.

use std::io::Write;

/// The page's first frame is painted: one line on stdout for the benchmark's clock.
#[tauri::command]
fn painted() {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "hello-window: painted");
    let _ = stdout.flush();
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![painted])
        .run(tauri::generate_context!())
        .expect("the hello-world window failed to run");
}
