//! The Lifeline SOS desktop app: a thin Tauri shell over `lifeline-client`.
//!
//! Everything that can be tested without a window lives in `lifeline-client`;
//! this crate wires it to the window, the tray, notifications and the OS.

// Without a console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod args;
mod commands;
mod flows;
mod logging;
mod screen;
mod timing;
mod tray;
mod view;
mod webkit;

use clap::Parser;
use tauri::webview::PageLoadEvent;
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder, WindowEvent};

use crate::args::Args;
use crate::flows::Shell;

/// The label of the one window.
const MAIN_WINDOW: &str = "main";

fn main() {
    timing::start();
    let args = Args::parse();
    let builder = tauri::Builder::default()
        // First, so a second launch hands over before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            tracing::info!(?argv, "a second launch handed over");
            flows::show_window(app);
            if Args::try_parse_from(&argv).is_ok_and(|args| args.sos) {
                flows::ask_for_help(app, lifeline_protocol::Channel::Sos);
            }
        }))
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![args::AUTOSTART_FLAG]),
        ))
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(commands::handler())
        .on_window_event(|window, event| {
            // Closing the window keeps the app in the tray, following the case.
            if let WindowEvent::CloseRequested { api, .. } = event
                && window.label() == MAIN_WINDOW
                && tray::is_present(window.app_handle())
            {
                api.prevent_close();
                let _ = window.hide();
            }
        })
        .setup(move |app| {
            timing::mark("setup");
            let log_guard = logging::init(app.handle());
            app.manage(log_guard);
            tracing::info!(?args, version = env!("CARGO_PKG_VERSION"), "starting");

            let shell = Shell::start(app.handle(), &args);
            let title = shell.window_title();
            app.manage(shell);
            // The case request goes out first, so the server answers while
            // WebKit starts; the tray, shortcut and logo wait for the paint.
            flows::begin(app.handle(), &args);
            timing::mark("request started");
            let start = view::start_script(&app.state::<Shell>().language());

            let window =
                WebviewWindowBuilder::new(app, MAIN_WINDOW, WebviewUrl::App("index.html".into()))
                    .title(title)
                    .inner_size(460.0, 640.0)
                    .min_inner_size(360.0, 480.0)
                    .visible(!args.autostart)
                    // The message formatter `ui/app.js` uses, shared with the console.
                    .initialization_script(lifeline_i18n::MESSAGES_JS)
                    .initialization_script(start)
                    .on_page_load(|_, payload| {
                        if payload.event() == PageLoadEvent::Finished {
                            timing::mark("page loaded");
                        }
                    })
                    .build()?;
            webkit::compositing_off(&window);
            timing::mark("window built");
            Ok(())
        });
    if let Err(error) = builder.run(tauri::generate_context!()) {
        // Nothing is shown yet at this point; the log and stderr are all there is.
        tracing::error!(%error, "the app failed to run");
        eprintln!("lifeline: {error}");
        std::process::exit(1);
    }
}
