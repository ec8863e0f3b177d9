import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// Sites (servers) on the left; the chosen site's listen addresses and its routes on the right.
Item {
    id: view
    required property ConsoleSession session
    property string currentSite
    signal siteChosen(string name)
    readonly property ConfigDocument doc: session.document
    readonly property string sitePath: "apps.http.servers." + currentSite

    Shortcut { sequence: StandardKey.Find; onActivated: search.forceActiveFocus() }

    // Attaches a new rate limit to a route or the whole site (one undoable edit) and opens its editor.
    function attachTo(path) {
        const made = view.session.policies.attach(path)
        if (made === "") return
        const route = made.slice(0, made.lastIndexOf(".handle["))
        routeList.currentIndex = parseInt(route.slice(route.lastIndexOf("[") + 1))
        routeEditor.show(made)
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 12

        ColumnLayout {
            Layout.preferredWidth: 280
            Layout.fillHeight: true
            spacing: 8
            Label { text: qsTr("Sites"); font.pixelSize: 18; font.bold: true }
            TextField {
                id: search
                objectName: "siteSearch"
                Layout.fillWidth: true
                placeholderText: qsTr("Search sites (Ctrl+F)")
            }
            ListView {
                id: siteList
                objectName: "siteList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                spacing: 4
                model: view.session.sites
                delegate: ItemDelegate {
                    required property string name
                    required property string listen
                    required property string hosts
                    required property var requests
                    width: ListView.view.width
                    visible: search.text === "" || (name + " " + listen + " " + hosts).toLowerCase().indexOf(search.text.toLowerCase()) >= 0
                    height: visible ? 58 : 0
                    highlighted: name === view.currentSite
                    onClicked: view.siteChosen(name)
                    contentItem: ColumnLayout {
                        spacing: 2
                        Label {
                            text: name
                            font.bold: true
                            color: parent.parent.highlighted ? palette.highlightedText : palette.windowText
                        }
                        Label {
                            text: listen + " · " + hosts + " · " + requests + qsTr(" requests")
                            font.pixelSize: 12
                            elide: Text.ElideRight
                            Layout.fillWidth: true
                            color: parent.parent.highlighted ? palette.highlightedText : palette.placeholderText
                        }
                    }
                }
            }
            RowLayout {
                TextField {
                    id: newListen
                    objectName: "newSiteListen"
                    Layout.preferredWidth: 110
                    placeholderText: ":8080"
                }
                Button {
                    objectName: "addSite"
                    text: qsTr("Add site")
                    onClicked: {
                        const name = view.doc.addSite(newListen.text === "" ? ":" + view.session.freePort() : newListen.text, "")
                        view.siteChosen(name)
                        newListen.text = ""
                    }
                }
                Button {
                    text: qsTr("Remove")
                    enabled: view.currentSite !== ""
                    onClicked: view.doc.remove(view.sitePath)
                }
            }
        }

        Rectangle { Layout.fillHeight: true; width: 1; color: palette.mid }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 10
            visible: view.currentSite !== ""

            ErrorBanner { document: view.doc; Layout.fillWidth: true }

            Label { text: qsTr("Site “%1”").arg(view.currentSite); font.pixelSize: 18; font.bold: true }
            PathField {
                objectName: "listenField"
                Layout.fillWidth: true
                document: view.doc
                path: view.sitePath + ".listen"
                label: qsTr("Listen addresses (comma-separated, e.g. :8080, 127.0.0.1:9000)")
                list: true
            }

            RowLayout {
                Label { text: qsTr("Routes, first match wins"); font.bold: true; Layout.fillWidth: true }
                ComboBox {
                    id: newRouteKind
                    objectName: "newRouteKind"
                    Layout.preferredWidth: 200
                    model: HandlerCatalogue
                    textRole: "label"
                    valueRole: "handler"
                    currentIndex: HandlerCatalogue.indexOf("reverse_proxy")
                }
                Button {
                    objectName: "addRoute"
                    text: qsTr("Add route")
                    onClicked: {
                        view.doc.addRoute(view.currentSite, newRouteKind.currentValue)
                        routeList.currentIndex = routeList.count - 1
                    }
                }
                // A rate limit in front of what the chosen route does, or of every request of the site.
                Button {
                    id: attach
                    objectName: "attachPolicy"
                    text: qsTr("Attach rate limit…")
                    onClicked: attachMenu.open()
                    Menu {
                        id: attachMenu
                        y: attach.height
                        MenuItem {
                            objectName: "attachToRoute"
                            enabled: routeList.currentIndex >= 0 && routeList.currentIndex < routeList.count
                            text: qsTr("to route %1").arg(routeList.currentIndex + 1)
                            onTriggered: view.attachTo(view.sitePath + ".routes[" + routeList.currentIndex + "]")
                        }
                        MenuItem {
                            objectName: "attachToSite"
                            text: qsTr("to every request of “%1”").arg(view.currentSite)
                            onTriggered: view.attachTo(view.sitePath)
                        }
                    }
                }
            }

            RouteListModel {
                id: routes
                document: view.doc
                serverName: view.currentSite
            }

            ListView {
                id: routeList
                objectName: "routeList"
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(count * 44, 220)
                clip: true
                model: routes
                currentIndex: 0
                delegate: ItemDelegate {
                    id: routeRow
                    required property int index
                    required property string hosts
                    required property string paths
                    required property string handler
                    required property string summary
                    required property string policies
                    width: ListView.view.width
                    height: 44
                    highlighted: ListView.isCurrentItem
                    onClicked: routeList.currentIndex = index
                    contentItem: RowLayout {
                        spacing: 8
                        Label {
                            text: (routeRow.index + 1) + "."
                            color: routeRow.highlighted ? palette.highlightedText : palette.placeholderText
                        }
                        Label {
                            text: (routeRow.hosts !== "" ? routeRow.hosts + " " : "") + routeRow.paths
                            font.bold: true
                            Layout.preferredWidth: 220
                            elide: Text.ElideRight
                            color: routeRow.highlighted ? palette.highlightedText : palette.windowText
                        }
                        Label {
                            objectName: "routePolicies:" + routeRow.index
                            visible: routeRow.policies !== ""
                            text: "◆ " + routeRow.policies
                            font.pixelSize: 12
                            Layout.maximumWidth: 220
                            elide: Text.ElideRight
                            color: routeRow.highlighted ? palette.highlightedText : palette.window.hslLightness < 0.5 ? "#f59e0b" : "#b45309"
                            ToolTip.visible: policyHover.hovered
                            ToolTip.text: qsTr("Rate limits in front: %1").arg(routeRow.policies)
                            HoverHandler { id: policyHover }
                        }
                        Label {
                            text: routeRow.handler + "  " + routeRow.summary
                            Layout.fillWidth: true
                            elide: Text.ElideRight
                            color: routeRow.highlighted ? palette.highlightedText : palette.placeholderText
                        }
                        ToolButton {
                            text: "▲"
                            enabled: routeRow.index > 0
                            onClicked: { view.doc.move(view.sitePath + ".routes", routeRow.index, routeRow.index - 1); routeList.currentIndex = routeRow.index - 1 }
                        }
                        ToolButton {
                            text: "▼"
                            enabled: routeRow.index < routeList.count - 1
                            onClicked: { view.doc.move(view.sitePath + ".routes", routeRow.index, routeRow.index + 1); routeList.currentIndex = routeRow.index + 1 }
                        }
                        ToolButton {
                            text: "✕"
                            onClicked: view.doc.remove(view.sitePath + ".routes[" + routeRow.index + "]")
                        }
                    }
                }
            }

            RouteEditor {
                id: routeEditor
                objectName: "routeEditor"
                Layout.fillWidth: true
                Layout.fillHeight: true
                document: view.doc
                visible: routeList.currentIndex >= 0 && routeList.currentIndex < routeList.count
                routePath: view.sitePath + ".routes[" + routeList.currentIndex + "]"
            }
        }

        Item {
            Layout.fillWidth: true
            visible: view.currentSite === ""
        }
    }
}
