import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// Live traffic of the embedded engine: headline numbers, five minutes of rates, latency and
// connections, and requests by country.
Item {
    id: view
    required property ConsoleSession session
    property bool dark: false
    readonly property TrafficStats traffic: session.traffic

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 10

        RowLayout {
            Layout.fillWidth: true
            spacing: 10
            StatCard { Layout.fillWidth: true; Layout.preferredWidth: 1; title: qsTr("Requests/s (10 s)"); value: view.traffic.requestsPerSecond.toFixed(1) }
            StatCard { Layout.fillWidth: true; Layout.preferredWidth: 1; title: qsTr("Errors/s (5xx)"); value: view.traffic.errorsPerSecond.toFixed(1); accent: "#dc2626" }
            StatCard { Layout.fillWidth: true; Layout.preferredWidth: 1; objectName: "rejectedCard"; title: qsTr("Rate-limited/s"); value: view.traffic.rejectedPerSecond.toFixed(1); accent: "#ea580c" }
            StatCard { Layout.fillWidth: true; Layout.preferredWidth: 1; title: qsTr("Active connections"); value: view.traffic.activeConnections; accent: "#0891b2" }
            StatCard { Layout.fillWidth: true; Layout.preferredWidth: 1.5; title: qsTr("p50 / p95 / p99 ms (1 min)"); accent: "#a855f7"
                       value: view.traffic.p50.toFixed(1) + " / " + view.traffic.p95.toFixed(1) + " / " + view.traffic.p99.toFixed(1) }
            StatCard { Layout.fillWidth: true; Layout.preferredWidth: 1; title: qsTr("Requests total"); value: view.traffic.totalRequests; accent: "#16a34a" }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 10

            GridLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                columns: 2
                columnSpacing: 10
                rowSpacing: 10
                MetricChart {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    title: qsTr("Request rate")
                    traffic: view.traffic
                    dark: view.dark
                    yMax: view.traffic.maxRate
                    yTitle: qsTr("req/s")
                    lines: [{ kind: "requests", name: qsTr("requests/s"), color: "#2563eb" }]
                }
                MetricChart {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    title: qsTr("Errors (5xx) and rate-limited")
                    traffic: view.traffic
                    dark: view.dark
                    yMax: view.traffic.maxErrors
                    yTitle: qsTr("req/s")
                    lines: [{ kind: "errors", name: qsTr("5xx/s"), color: "#dc2626" },
                            { kind: "rejected", name: qsTr("rate-limited/s"), color: "#ea580c" }]
                }
                MetricChart {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    title: qsTr("Latency")
                    traffic: view.traffic
                    dark: view.dark
                    yMax: view.traffic.maxLatency
                    yTitle: qsTr("ms")
                    markers: view.traffic.circuitEvents
                    lines: [{ kind: "p50", name: "p50", color: "#16a34a" },
                            { kind: "p95", name: "p95", color: "#f59e0b" },
                            { kind: "p99", name: "p99", color: "#a855f7" }]
                }
                MetricChart {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    title: qsTr("Active connections")
                    traffic: view.traffic
                    dark: view.dark
                    yMax: view.traffic.maxConnections
                    lines: [{ kind: "connections", name: qsTr("connections"), color: "#0891b2" }]
                }
            }

            Frame {
                Layout.preferredWidth: 400
                Layout.fillHeight: true
                ColumnLayout {
                    anchors.fill: parent
                    spacing: 6
                    WorldMap {
                        id: map
                        objectName: "worldMap"
                        Layout.fillWidth: true
                        Layout.preferredHeight: width / 2.5
                        model: view.session.countries
                        emptyColor: view.dark ? "#3a3f47" : "#d7dbe0"
                        lowColor: view.dark ? "#1e3a8a" : "#bfdbfe"
                        highColor: view.dark ? "#60a5fa" : "#1d4ed8"
                        borderColor: palette.base
                        HoverHandler { id: hover }
                        ToolTip {
                            readonly property var country: hover.hovered ? map.countryAt(hover.point.position) : ({})
                            visible: country.name !== undefined
                            text: country.name !== undefined ? qsTr("%1 (%2): %3 requests").arg(country.name).arg(country.code).arg(country.requests) : ""
                            x: hover.point.position.x + 12
                            y: hover.point.position.y + 12
                        }
                    }
                    Label {
                        Layout.fillWidth: true
                        text: map.maxRequests > 0 ? qsTr("Darker is busier (log scale, up to %1 requests); grey: none").arg(map.maxRequests)
                                                  : qsTr("Countries fill in as requests arrive")
                        color: palette.placeholderText
                        font.pixelSize: 11
                        elide: Text.ElideRight
                    }
                    CountryTable {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        model: view.session.countries
                    }
                }
            }
        }
    }
}
