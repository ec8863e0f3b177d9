import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// The console window: navigation on the left, the current view, a status bar with the engine state.
ApplicationWindow {
    id: window
    required property ConsoleSession session
    property bool dark: false
    property string currentView: "sites"
    property string currentSite: session.document.serverNames().length > 0 ? session.document.serverNames()[0] : ""

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
    Shortcut { sequences: [StandardKey.Redo, "Ctrl+Shift+Z"]; onActivated: window.session.document.redo() }

    Connections {
        target: window.session.document
        function onChanged() {
            const names = window.session.document.serverNames()
            if (names.indexOf(window.currentSite) < 0)
                window.currentSite = names.length > 0 ? names[0] : ""
        }
    }

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
            Button {
                objectName: "applyButton"
                text: qsTr("Apply")
                highlighted: true
                enabled: !window.session.document.empty && window.session.engine.state !== "applying"
                onClicked: window.session.apply("")
            }
            ToolButton {
                text: window.dark ? qsTr("Light") : qsTr("Dark")
                onClicked: window.dark = !window.dark
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
            currentView: window.currentView
            onViewChosen: view => window.currentView = view
        }

        Loader {
            id: content
            objectName: "content"
            Layout.fillWidth: true
            Layout.fillHeight: true
            sourceComponent: {
                if (window.session.document.empty && ["sites", "upstreams", "caddyfile"].indexOf(window.currentView) >= 0)
                    return welcome
                switch (window.currentView) {
                case "upstreams": return upstreams
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
            currentSite: window.currentSite
            onSiteChosen: name => window.currentSite = name
        }
    }
    Component { id: upstreams; UpstreamsView { session: window.session } }
    Component { id: dashboard; DashboardView { session: window.session; dark: window.dark } }
    Component { id: caddyfile; CaddyfileView { session: window.session; dark: window.dark } }
    Component { id: history; HistoryView { session: window.session; dark: window.dark } }
    Component { id: servers; ServersView { session: window.session } }
    Component { id: traffic; TrafficView { session: window.session; currentSite: window.currentSite } }

    footer: StatusBar { session: window.session }
}
