import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import ProxFlow.Ui

// Engine state, the last message and live totals along the bottom of the window.
ToolBar {
    id: bar
    required property ConsoleSession session
    readonly property string state: session.engine.state

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 12
        anchors.rightMargin: 12
        spacing: 14
        Rectangle {
            width: 10
            height: 10
            radius: 5
            color: bar.state === "running" ? "#22c55e" : bar.state === "applying" ? "#f59e0b" : "#9ca3af"
        }
        Label {
            objectName: "engineState"
            text: qsTr("Engine: %1").arg(bar.state === "idle" ? qsTr("not serving yet") : bar.state)
        }
        Label {
            Layout.fillWidth: true
            elide: Text.ElideRight
            text: bar.session.statusMessage
            color: bar.session.engine.lastError !== "" ? "#dc2626" : palette.windowText
        }
        Label {
            text: qsTr("%1 req/s · %2 connections · %3 requests")
                .arg(bar.session.traffic.requestsPerSecond.toFixed(1))
                .arg(bar.session.traffic.activeConnections)
                .arg(bar.session.traffic.totalRequests)
            color: palette.placeholderText
        }
        Label { text: "v" + bar.session.version; color: palette.placeholderText }
    }
}
