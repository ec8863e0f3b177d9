import QtQuick
import QtQuick.Controls
import QtCharts
import ProxFlow.Ui

// A line chart of the last five minutes, fed from C++ (TrafficStats.attach): one line per entry
// of `lines` ({kind, name, color}); x is seconds before now. `markers` (TrafficStats.circuitEvents)
// draws each circuit breaker transition as a vertical line in its new state's colour, labelled
// "upstream → state" where the labels fit (three lanes, newest first, one per upstream in a cluster)
// and detailed on hover.
ChartView {
    id: chart
    required property TrafficStats traffic
    required property var lines
    property real yMax: 10
    property string yTitle
    property bool dark: false
    property var markers: []

    antialiasing: true
    legend.alignment: Qt.AlignTop
    legend.font.pixelSize: 11
    backgroundRoundness: 4
    margins { left: 4; right: 8; top: 4; bottom: 4 }
    theme: dark ? ChartView.ChartThemeDark : ChartView.ChartThemeLight
    backgroundColor: palette.base
    titleFont.pixelSize: 13
    titleFont.bold: true

    ValueAxis {
        id: axisX
        min: -traffic.seriesSeconds
        max: 0
        tickCount: 6
        labelFormat: "%ds"
        labelsFont.pixelSize: 10
    }
    ValueAxis {
        id: axisY
        min: 0
        max: chart.yMax
        tickCount: 6
        labelFormat: chart.yMax < 10 ? "%.1f" : "%.0f"
        labelsFont.pixelSize: 10
        titleText: chart.yTitle
        titleFont.pixelSize: 10
    }

    // Each marker's place and label lane (-1: no room for a label), newest first so the latest keep theirs.
    readonly property var placedMarkers: {
        const span = axisX.max - axisX.min
        const lanes = [Infinity, Infinity, Infinity] // the left edge of each lane's leftmost label so far
        const out = []
        for (let i = markers.length - 1; i >= 0; --i) {
            const m = markers[i]
            const x = plotArea.x + (m.x - axisX.min) / span * plotArea.width
            const text = m.upstream + " → " + CircuitStates.label(m.to)
            const width = text.length * 6 + 8
            // A label sits left of its line when it would run past the plot's right edge.
            const left = x + width > plotArea.x + plotArea.width ? x - width : x
            // One label per upstream in a cluster of transitions: its newest, the state it is in now.
            const crowded = out.some(o => o.upstream === m.upstream && o.lane >= 0 && Math.abs(o.x - x) < 80)
            const lane = crowded ? -1 : lanes.findIndex(edge => left + width <= edge)
            if (lane >= 0) lanes[lane] = left
            out.push({ x: x, left: left - x, lane: lane, text: text, upstream: m.upstream, color: CircuitStates.color(m.to),
                       tip: m.time + "  " + m.upstream + ": " + CircuitStates.label(m.from) + " → " + CircuitStates.label(m.to)
                            + (m.reason ? "\n" + m.reason : "") })
        }
        return out
    }

    // ChartView takes only series and axes as children; the markers' layer is parented explicitly.
    Item {
        parent: chart
        anchors.fill: parent
        z: 10
        Repeater {
            model: chart.placedMarkers
            Item {
                id: marker
                required property var modelData
                required property int index
                objectName: "circuitMarker:" + index
                x: modelData.x - 4
                y: chart.plotArea.y
                width: 9
                height: chart.plotArea.height
                visible: modelData.x >= chart.plotArea.x && modelData.x <= chart.plotArea.x + chart.plotArea.width
                Rectangle {
                    x: 4
                    width: 1.5
                    height: parent.height
                    color: marker.modelData.color
                }
                Label {
                    objectName: "circuitMarkerLabel:" + marker.index
                    visible: marker.modelData.lane >= 0
                    x: 4 + marker.modelData.left + 3
                    y: 2 + Math.max(0, marker.modelData.lane) * 14
                    text: marker.modelData.text
                    font.pixelSize: 10
                    color: marker.modelData.color
                    background: Rectangle { color: palette.base; opacity: 0.85; radius: 2 }
                }
                HoverHandler { id: hover }
                ToolTip.visible: hover.hovered
                ToolTip.text: modelData.tip
            }
        }
    }

    property var created: []
    // A theme change repaints every series in the theme's colours; ours are part of the meaning.
    function paint() {
        for (let i = 0; i < created.length; ++i) {
            created[i].color = lines[i].color
            created[i].width = 2
        }
    }
    onDarkChanged: Qt.callLater(paint)
    Component.onCompleted: {
        const made = []
        for (const line of lines) {
            const s = chart.createSeries(ChartView.SeriesTypeLine, line.name, axisX, axisY)
            made.push(s)
            traffic.attach(line.kind, s)
        }
        created = made
        paint()
    }
}
