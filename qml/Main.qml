import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// The console window: navigation on the left, the current view, a status bar with the engine state.
ApplicationWindow {
    id: window
    required property ConsoleSession session
    // View, site and theme live in the session (saved with the project, restored on start).
    readonly property UiState ui: session.ui
    readonly property bool dark: ui.dark

    width: 1280
    height: 800
    visible: true
    title: (session.document.dirty ? "● " : "") + "ProxFlow Console"

    palette.window: dark ? "#1f2227" : "#f4f5f7"
    palette.windowText: dark ? "#e6e6e6" : "#1d1f23"
    palette.base: dark ? "#2a2e35" : "#ffffff"
    palette.alternateBase: dark ? "#252930" : "#f0f2f5"
    palette.text: dark ? "#e6e6e6" : "#1d1f23"
    palette.button: dark ? "#343942" : "#e9ebef"
    palette.buttonText: dark ? "#e6e6e6" : "#1d1f23"
    palette.light: dark ? "#4a505a" : "#ffffff"
    palette.midlight: dark ? "#3d424b" : "#e3e5e9"
    palette.mid: dark ? "#30343b" : "#c9ccd2"
    palette.dark: dark ? "#15171a" : "#9da1a8"
    palette.shadow: dark ? "#000000" : "#6b6f76"
    palette.highlight: dark ? "#3b82f6" : "#2563eb"
    palette.highlightedText: "#ffffff"
    palette.placeholderText: dark ? "#8b9099" : "#80848c"

    Shortcut { sequences: [StandardKey.Save]; onActivated: window.session.save() }
    Shortcut { sequences: [StandardKey.Undo]; onActivated: window.session.document.undo() }
    // Not StandardKey.Redo: on Linux it already is Ctrl+Shift+Z, and a sequence listed twice is
    // ambiguous, so neither would fire.
    Shortcut { sequences: ["Ctrl+Shift+Z", "Ctrl+Y"]; onActivated: window.session.document.redo() }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 12
            anchors.rightMargin: 8
            spacing: 6
            Label {
                text: "ProxFlow"
                font.bold: true
                font.pixelSize: 16
            }
            Label {
                text: window.session.document.dirty ? qsTr("unsaved changes") : ""
                color: palette.placeholderText
                Layout.leftMargin: 12
            }
            Item { Layout.fillWidth: true }
            ToolButton { text: qsTr("Undo"); enabled: window.session.document.canUndo; onClicked: window.session.document.undo() }
            ToolButton { text: qsTr("Redo"); enabled: window.session.document.canRedo; onClicked: window.session.document.redo() }
            ToolButton { text: qsTr("Save"); enabled: window.session.document.dirty; onClicked: window.session.save() }
            TextField {
                id: applyNote
                objectName: "applyNote"
                Layout.preferredWidth: 220
                placeholderText: qsTr("note for History (optional)")
                selectByMouse: true
                onAccepted: applyButton.clicked()
            }
            Button {
                id: applyButton
                objectName: "applyButton"
                text: qsTr("Apply")
                highlighted: true
                enabled: !window.session.document.empty && window.session.engine.state !== "applying"
                onClicked: {
                    window.session.apply(applyNote.text.trim())
                    applyNote.clear()
                }
            }
            ToolButton {
                objectName: "themeButton"
                text: window.dark ? qsTr("Light") : qsTr("Dark")
                onClicked: window.ui.dark = !window.ui.dark
            }
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        NavigationList {
            objectName: "navigation"
            Layout.fillHeight: true
            Layout.preferredWidth: 200
            currentView: window.ui.currentView
            onViewChosen: view => window.ui.currentView = view
        }

        Loader {
            id: content
            objectName: "content"
            Layout.fillWidth: true
            Layout.fillHeight: true
            sourceComponent: {
                if (window.session.document.empty && ["sites", "upstreams", "policies", "caddyfile"].indexOf(window.ui.currentView) >= 0)
                    return welcome
                switch (window.ui.currentView) {
                case "upstreams": return upstreams
                case "policies": return policies
                case "dashboard": return dashboard
                case "caddyfile": return caddyfile
                case "history": return history
                case "servers": return servers
                case "traffic": return traffic
                default: return sites
                }
            }
        }
    }

    Component { id: welcome; WelcomeView { session: window.session } }
    Component {
        id: sites
        SitesView {
            session: window.session
            currentSite: window.ui.currentSite
            onSiteChosen: name => window.ui.currentSite = name
        }
    }
    Component { id: upstreams; UpstreamsView { session: window.session } }
    Component { id: policies; PoliciesView { session: window.session } }
    Component { id: dashboard; DashboardView { session: window.session; dark: window.dark } }
    Component { id: caddyfile; CaddyfileView { session: window.session; dark: window.dark } }
    Component { id: history; HistoryView { session: window.session; dark: window.dark } }
    Component { id: servers; ServersView { session: window.session } }
    Component { id: traffic; TrafficView { session: window.session; currentSite: window.ui.currentSite } }

    footer: StatusBar { session: window.session }
}
