fn main() {
    for l in std::io::stdin().lines().map_while(Result::ok) {
        println!("{l}\n   {:?}", trialtables_normalize::timeframe::read_time_frame(&l).map(|r| (r.timepoints.iter().map(|p| format!("{} {:?} {:?} [{}]", p.kind, p.value, p.unit, p.label)).collect::<Vec<_>>(), r.anchor, r.calendar)));
    }
}
