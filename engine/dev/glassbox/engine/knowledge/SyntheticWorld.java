package dev.glassbox.engine.knowledge;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

import dev.glassbox.engine.io.OutputFolder;

/**
 * A seeded synthetic world for knowledge injection: people with a home city, a job, an employer and a hobby (one
 * relation per kind of object, so an object's kind names its relation), and cities with their country, as triples;
 * training sentences that state most facts; and held-out facts (at most one per person) that no training sentence
 * states, each as a cloze sentence mentioning its subject with the object masked. Attributes are drawn independently, so a held-out fact cannot be inferred from the text: only the
 * knowledge base knows it.
 */
public final class SyntheticWorld {
    /** The files {@link #write} makes. */
    public static final String KB_FILE = "kb.tsv";
    public static final String TRAIN_FILE = "train.txt";
    public static final String HELD_OUT_FILE = "heldout.tsv";

    static final String[] FIRST = {"Alice", "Bram", "Chloe", "Dev", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas",
        "Kira", "Liam", "Mona", "Nico", "Olga", "Pavel", "Quinn", "Rosa", "Sven", "Tara"};
    static final String[] LAST = {"Moreau", "Chen", "Okafor", "Silva", "Novak", "Haas", "Ibarra", "Kowal", "Lind", "Mendes",
        "Park", "Rossi"};
    static final String[] CITIES = {"Lagos", "Osaka", "Lima", "Oslo", "Cairo", "Quito", "Perth", "Dublin", "Hanoi", "Riga",
        "Tunis", "Porto"};
    static final String[] COUNTRIES = {"Nigeria", "Japan", "Peru", "Norway", "Egypt", "Ecuador", "Australia", "Ireland",
        "Vietnam", "Latvia", "Tunisia", "Portugal"};
    static final String[] JOBS = {"teacher", "doctor", "baker", "pilot", "farmer", "nurse", "lawyer", "painter", "chef",
        "plumber"};
    static final String[] EMPLOYERS = {"Acme", "Globex", "Initech", "Hooli", "Vandelay", "Umbra", "Soylent", "Cyberdyne"};
    static final String[] HOBBIES = {"chess", "tennis", "jazz", "hiking", "pottery", "sailing", "poetry", "gardening"};

    /** The most people a world holds: every first-last name pair. */
    public static final int MAX_PEOPLE = FIRST.length * LAST.length;

    /** A relation: its KB name (one word, so a linearised triple stays short), its objects and two ways a sentence states it ({@code %s}: subject, object). */
    record Relation(String name, String[] objects, String first, String second) {
        String state(int template, String subject, String object) {
            return (template == 0 ? first : second).formatted(subject, object);
        }
    }

    static final List<Relation> PERSON_RELATIONS = List.of(
            new Relation("home", CITIES, "%s lives in %s.", "%s has a home in %s."),
            new Relation("job", JOBS, "%s works as a %s.", "By trade %s is a %s."),
            new Relation("employer", EMPLOYERS, "%s works for %s.", "%s is employed by %s."),
            new Relation("hobby", HOBBIES, "%s enjoys %s.", "In spare time %s likes %s."));
    static final Relation LOCATED_IN = new Relation("country", COUNTRIES, "%s is a city in %s.", "%s lies in %s.");

    /** The generated world. */
    public record World(KnowledgeBase kb, List<String> train, List<Cloze> heldOut) {
    }

    private SyntheticWorld() {
    }

    /**
     * A world of {@code people} people (at most every first-last name pair) and all cities, with about
     * {@code heldOutFraction} of the people keeping one fact out of the text.
     */
    public static World generate(long seed, int people, double heldOutFraction) {
        return generate(seed, people, heldOutFraction, relationNames());
    }

    /** The names of a person's relations, in the order a world draws them: home, job, employer, hobby. */
    public static List<String> relationNames() {
        return PERSON_RELATIONS.stream().map(Relation::name).toList();
    }

    /**
     * As {@link #generate(long, int, double)} with only the person relations named in {@code relations} (some of
     * {@link #relationNames()}); the cities' country facts only with {@code home}. Fewer kinds of fact make shorter
     * injected inputs and more copies of each.
     */
    public static World generate(long seed, int people, double heldOutFraction, List<String> relations) {
        List<Relation> kinds = new ArrayList<>();
        for (String name : relations) {
            Relation rel = PERSON_RELATIONS.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("relation " + name + " is not one of " + relationNames()));
            if (kinds.contains(rel)) throw new IllegalArgumentException("relation " + name + " is named twice");
            kinds.add(rel);
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("a world needs at least one of the relations " + relationNames());
        }
        if (people < 1 || people > MAX_PEOPLE) {
            throw new IllegalArgumentException("people must be 1 to " + MAX_PEOPLE + ", not " + people);
        }
        if (!(heldOutFraction >= 0 && heldOutFraction <= 1)) {
            throw new IllegalArgumentException("the held-out fraction must be 0 to 1, not " + heldOutFraction);
        }
        Random r = new Random(seed);
        List<String> names = new ArrayList<>();
        for (String f : FIRST) for (String l : LAST) names.add(f + " " + l);
        Collections.shuffle(names, r);
        names = names.subList(0, people);

        List<Triple> facts = new ArrayList<>();
        List<Triple> stated = new ArrayList<>();
        List<Cloze> heldOut = new ArrayList<>();
        for (int c = 0; c < (relations.contains("home") ? CITIES.length : 0); c++) {
            Triple t = new Triple(CITIES[c], LOCATED_IN.name(), COUNTRIES[c]);
            facts.add(t);
            stated.add(t);
        }
        for (String person : names) {
            int hidden = r.nextDouble() < heldOutFraction ? r.nextInt(kinds.size()) : -1;
            for (int k = 0; k < kinds.size(); k++) {
                Relation rel = kinds.get(k);
                Triple t = new Triple(person, rel.name(), rel.objects()[r.nextInt(rel.objects().length)]);
                facts.add(t);
                if (k == hidden) {
                    heldOut.add(new Cloze(rel.state(0, person, Cloze.MASK), t.object(), person, rel.name()));
                } else {
                    stated.add(t);
                }
            }
        }
        List<String> train = new ArrayList<>();
        for (Triple t : stated) {
            Relation rel = relation(t.relation());
            train.add(rel.state(0, t.subject(), t.object()));
            train.add(rel.state(1, t.subject(), t.object()));
        }
        Collections.shuffle(train, r);
        return new World(KnowledgeBase.of(facts), List.copyOf(train), List.copyOf(heldOut));
    }

    /** The default world: 60 people (240 person facts, 12 city facts), a fifth of them keeping one fact out. */
    public static World generate(long seed) {
        return generate(seed, 60, 0.2);
    }

    static Relation relation(String name) {
        if (name.equals(LOCATED_IN.name())) return LOCATED_IN;
        return PERSON_RELATIONS.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    /** Every word the world's files use (names, relation names, template words), sorted, for a word vocabulary. */
    public static Set<String> words(World world) {
        Set<String> words = new java.util.TreeSet<>();
        for (Triple t : world.kb().triples()) {
            Collections.addAll(words, t.subject().split(" "));
            words.add(t.relation());
            Collections.addAll(words, t.object().split(" "));
        }
        for (String s : world.train()) Collections.addAll(words, s.replace(".", " .").split(" "));
        for (Cloze c : world.heldOut()) Collections.addAll(words, c.sentence().replace(Cloze.MASK, "").replace(".", " .").split(" "));
        words.remove("");
        return words;
    }

    /** Writes the world's three files into a checked output folder (each file atomically). */
    public static void write(World world, OutputFolder out) throws IOException {
        out.writeString(KB_FILE, world.kb().tsv());
        out.writeString(TRAIN_FILE, String.join("\n", world.train()) + "\n");
        out.writeString(HELD_OUT_FILE, Cloze.tsv(world.heldOut()));
    }
}
