//! The tray icon: "Request help", "Show", "Quit".

use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};

use crate::flows::{self, Shell};

const TRAY_ID: &str = "main";

/// Puts the icon in the tray, its words in the app's language.
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip(app.state::<Shell>().window_title())
        .menu(&menu(app, false)?)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "request" => {
                flows::show_window(app);
                flows::ask_for_help(app, lifeline_protocol::Channel::App);
            }
            "show" | "sharing" => flows::show_window(app),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

/// The menu; while the screen is shared its first line says so and opens the window.
fn menu(app: &AppHandle, sharing: bool) -> tauri::Result<Menu<tauri::Wry>> {
    let messages = lifeline_i18n::messages(&app.state::<Shell>().language());
    let item = |id: &str, key: &str| {
        MenuItem::with_id(app, id, messages.text(key, &[]), true, None::<&str>)
    };
    let menu = Menu::with_items(
        app,
        &[
            &item("request", "tray-request")?,
            &item("show", "tray-show")?,
            &item("quit", "tray-quit")?,
        ],
    )?;
    if sharing {
        menu.prepend(&item("sharing", "tray-sharing")?)?;
    }
    Ok(menu)
}

/// Marks the tray while the screen is shared: the menu's first line and the
/// tooltip say so.
pub fn show_sharing(app: &AppHandle, sharing: bool) -> tauri::Result<()> {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return Ok(());
    };
    let core = app.state::<Shell>();
    let title = core.window_title();
    let tooltip = if sharing {
        lifeline_i18n::messages(&core.language())
            .text("window-title-sharing", &[("title", (&title).into())])
    } else {
        title
    };
    tray.set_tooltip(Some(tooltip))?;
    tray.set_menu(Some(menu(app, sharing)?))
}

/// Whether the tray icon exists (else closing the window quits).
pub fn is_present(app: &AppHandle) -> bool {
    app.tray_by_id(TRAY_ID).is_some()
}
