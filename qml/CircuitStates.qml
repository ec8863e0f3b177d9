pragma Singleton
import QtQuick

// How a circuit breaker state looks wherever the console shows one (the Upstreams view, the
// dashboard's transition markers): closed green, half-open amber, ramp-up blue, open red.
QtObject {
    function color(state) {
        switch (state) {
        case "closed": return "#16a34a"
        case "half_open": return "#f59e0b"
        case "ramp_up": return "#3b82f6"
        case "open": return "#dc2626"
        default: return "#9ca3af"
        }
    }
    function label(state) {
        switch (state) {
        case "half_open": return qsTr("half-open")
        case "ramp_up": return qsTr("ramp-up")
        case "": return "—"
        default: return state
        }
    }
}
