//! The tray icon: "Request help", "Show", "Quit".

use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};

use crate::flows::{self, Shell};
use crate::texts;

const TRAY_ID: &str = "main";

/// Puts the icon in the tray, its words in the app's language.
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let language = app.state::<Shell>().language();
    let item = |id: &str, key: &str| {
        MenuItem::with_id(
            app,
            id,
            texts::text(&language, key, &[]),
            true,
            None::<&str>,
        )
    };
    let request = item("request", "tray.request")?;
    let show = item("show", "tray.show")?;
    let quit = item("quit", "tray.quit")?;
    let menu = Menu::with_items(app, &[&request, &show, &quit])?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip(app.state::<Shell>().window_title())
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "request" => {
                flows::show_window(app);
                flows::ask_for_help(app, lifeline_protocol::Channel::App);
            }
            "show" => flows::show_window(app),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

/// Whether the tray icon exists (else closing the window quits).
pub fn is_present(app: &AppHandle) -> bool {
    app.tray_by_id(TRAY_ID).is_some()
}
