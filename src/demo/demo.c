/* demo.c - builds the demo databases of `rowferry demo` (demo.h).
 *
 * This is fixture creation, so it talks to the sqlite3 library directly
 * rather than through the driver: the driver refuses to create files and
 * keeps its connections read-only, both right for it and wrong here.
 *
 * dev.db and prod.db are written by the same generator from the same fixed
 * seeds, so the rows they share are identical down to the GUID; `prod`
 * then leaves out job 0000065's siteflow_orders, changes three shared
 * rows, and adds two rows of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "rowferry/demo.h"

static const char *const demo_files[] = {"dev.db", "prod.db", "config.ini"};
#define DEMO_NFILES (sizeof demo_files / sizeof demo_files[0])

/* The guid DEFAULT builds a random UUID v4 in SQL (version nibble 4,
 * variant 8-b), so rows inserted without a guid get a fresh one - what a
 * copy that excludes guid relies on, as gen_random_uuid() would on
 * PostgreSQL. */
static const char demo_schema[] =
    "PRAGMA foreign_keys = ON;\n"
    "CREATE TABLE jobs (\n"
    "  job_number TEXT PRIMARY KEY NOT NULL,\n"
    "  customer TEXT NOT NULL,\n"
    "  status TEXT NOT NULL DEFAULT 'received',\n"
    "  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP\n"
    ");\n"
    "CREATE TABLE sales_orders (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  job_number TEXT NOT NULL REFERENCES jobs (job_number),\n"
    "  order_ref TEXT NOT NULL UNIQUE,\n"
    "  customer_ref TEXT,\n"
    "  total DECIMAL(12,2) NOT NULL DEFAULT 0,\n"
    "  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP\n"
    ");\n"
    "CREATE INDEX sales_orders_job_number ON sales_orders (job_number);\n"
    "CREATE TABLE order_lines (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  sales_order_id INTEGER NOT NULL REFERENCES sales_orders (id),\n"
    "  line_no INTEGER NOT NULL,\n"
    "  sku TEXT NOT NULL,\n"
    "  qty INTEGER NOT NULL,\n"
    "  unit_price DECIMAL(12,2) NOT NULL,\n"
    "  UNIQUE (sales_order_id, line_no)\n"
    ");\n"
    "CREATE TABLE siteflow_batches (\n"
    "  batch_id INTEGER PRIMARY KEY,\n"
    "  job_number TEXT NOT NULL REFERENCES jobs (job_number),\n"
    "  batch_ref TEXT NOT NULL UNIQUE,\n"
    "  status TEXT NOT NULL,\n"
    "  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP\n"
    ");\n"
    "CREATE INDEX siteflow_batches_job_number ON siteflow_batches (job_number);\n"
    "CREATE TABLE siteflow_orders (\n"
    "  guid TEXT PRIMARY KEY NOT NULL DEFAULT (\n"
    "    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||\n"
    "    substr(lower(hex(randomblob(2))), 2) || '-' ||\n"
    "    substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) ||\n"
    "    '-' || lower(hex(randomblob(6)))),\n"
    "  job_number TEXT NOT NULL REFERENCES jobs (job_number),\n"
    "  order_ref TEXT NOT NULL,\n"
    "  sku TEXT,\n"
    "  qty INTEGER,\n"
    "  status TEXT,\n"
    "  price DECIMAL(12,2),\n"
    "  payload JSON,\n"
    "  created_at DATETIME,\n"
    "  updated_at DATETIME,\n"
    "  UNIQUE (job_number, order_ref)\n"
    ");\n";

struct demo_job {
	const char *number;
	const char *customer;
	const char *status; /* complete, in_production, received */
	int day;            /* of November 2026 */
	int nsiteflow;      /* siteflow_orders rows */
};

static const struct demo_job demo_jobs[] = {
    {"0000061", "Northwind Print Co", "complete", 2, 4},
    {"0000062", "Harbour Books", "complete", 3, 3},
    {"0000063", "Fielding & Sons", "in_production", 5, 5},
    {"0000064", "Alder Street Cafe", "in_production", 6, 4},
    {"0000065", "Brightside Events", "in_production", 9, 12},
    {"0000066", "Kestrel Outdoor", "received", 10, 3},
    {"0000067", "Marlow Dental", "received", 11, 4},
    {"0000068", "Quayside Gallery", "received", 12, 3},
};
#define DEMO_NJOBS (sizeof demo_jobs / sizeof demo_jobs[0])

/* The job whose siteflow_orders rows only dev has (DESIGN's everyday case). */
#define DEMO_MISSING_JOB "0000065"
/* The job prod added two siteflow_orders rows to. */
#define DEMO_PROD_EXTRA_JOB "0000068"

struct demo_product {
	const char *sku;
	int price_cents;
};

static const struct demo_product demo_products[] = {
    {"BC-STD-500", 2400},  {"FLY-A5-250", 3850},  {"POS-A2-10", 4500},  {"BRO-A4-8PP", 320},
    {"STK-CIRC-50", 1275}, {"BAN-PVC-1X3", 8900}, {"NB-A5-LINED", 640}, {"CAL-A4-WALL", 995},
};
static const char *const demo_stocks[] = {"silk 350gsm", "uncoated 120gsm", "gloss 170gsm",
                                          "recycled 300gsm"};
static const char *const demo_finishes[] = {"none", "matt lamination", "gloss lamination",
                                            "spot uv"};
/* packs of the product (a pack of 250 flyers, a banner, ...) */
static const int demo_quantities[] = {1, 2, 3, 5, 10, 20};

#define PICK(rng, array) (array[rng_below(rng, sizeof array / sizeof array[0])])

/* xorshift64*: a fixed seed makes the same demo on every machine. */
struct demo_rng {
	uint64_t s;
};

static uint32_t rng_next(struct demo_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (uint32_t)((r->s * 2685821657736338717ULL) >> 32);
}

static unsigned rng_below(struct demo_rng *r, size_t n)
{
	return (unsigned)(rng_next(r) % n);
}

/* A lower-case UUID v4 from the generator. */
static void rng_uuid(struct demo_rng *r, char out[37])
{
	unsigned char b[16];
	size_t i;
	for (i = 0; i < sizeof b; i++)
		b[i] = (unsigned char)rng_next(r);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	         b[13], b[14], b[15]);
}

static void format_money(char out[24], int cents)
{
	snprintf(out, 24, "%d.%02d", cents / 100, cents % 100);
}

static int demo_fail(sqlite3 *db, const char *path, struct rf_error *err)
{
	return rf_error_set(err, "demo", "%s: %s", path,
	                    db ? sqlite3_errmsg(db) : "cannot open database");
}

/* Binds one value per letter of `types` ('t': const char * or NULL,
 * 'i': int) to st and runs it once. Returns 0 or -1 (message in the
 * connection). */
static int insert_row(sqlite3_stmt *st, const char *types, ...)
{
	va_list ap;
	int i;

	if ((size_t)sqlite3_bind_parameter_count(st) != strlen(types))
		return -1; /* a programming error: caught by the demo's test */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	va_start(ap, types);
	for (i = 0; types[i]; i++) {
		if (types[i] == 'i')
			sqlite3_bind_int(st, i + 1, va_arg(ap, int));
		else
			sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1,
			                  SQLITE_TRANSIENT);
	}
	va_end(ap);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

static const char *batch_status(const char *job_status)
{
	if (strcmp(job_status, "complete") == 0)
		return "dispatched";
	if (strcmp(job_status, "in_production") == 0)
		return "printing";
	return "queued";
}

/* jobs, siteflow_batches, sales_orders and order_lines: the same in both. */
static int insert_jobs_and_orders(sqlite3 *db)
{
	sqlite3_stmt *job = NULL, *batch = NULL, *order = NULL, *line = NULL;
	struct demo_rng rng = {0x5eed0061c0ffeeULL};
	int order_id = 1, line_id = 1, rc = -1;
	size_t j;

	if (sqlite3_prepare_v2(db, "INSERT INTO jobs VALUES (?, ?, ?, ?)", -1, &job, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO siteflow_batches VALUES (?, ?, ?, ?, ?)", -1,
	                       &batch, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO sales_orders VALUES (?, ?, ?, ?, ?, ?)", -1, &order,
	                       NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO order_lines VALUES (?, ?, ?, ?, ?, ?)", -1, &line,
	                       NULL))
		goto out;
	for (j = 0; j < DEMO_NJOBS; j++) {
		const struct demo_job *jb = &demo_jobs[j];
		char when[40], ref[32], cust[16], money[24];
		int k, norders = 1 + (int)(j % 2);

		snprintf(when, sizeof when, "2026-11-%02d 08:%02d:00", jb->day, (int)(j * 7 % 60));
		if (insert_row(job, "tttt", jb->number, jb->customer, jb->status, when) != 0)
			goto out;
		snprintf(ref, sizeof ref, "BATCH-%s-1", jb->number);
		snprintf(when, sizeof when, "2026-11-%02d 10:00:00", jb->day);
		if (insert_row(batch, "itttt", 701 + (int)j, jb->number, ref,
		               batch_status(jb->status), when) != 0)
			goto out;
		for (k = 0; k < norders; k++) {
			/* lines first: the order's total is their sum */
			struct {
				const char *sku;
				int qty, cents;
			} lines[4];
			int n = 2 + (int)rng_below(&rng, 3), i, total = 0;
			for (i = 0; i < n; i++) {
				const struct demo_product *p = &PICK(&rng, demo_products);
				lines[i].sku = p->sku;
				lines[i].qty = PICK(&rng, demo_quantities);
				lines[i].cents = p->price_cents;
				total += lines[i].qty * lines[i].cents;
			}
			snprintf(ref, sizeof ref, "SO-26%05d", 1000 + order_id);
			snprintf(cust, sizeof cust, "PO-%05u", rng_below(&rng, 100000));
			snprintf(when, sizeof when, "2026-11-%02d 08:%02d:00", jb->day, 30 + k * 5);
			format_money(money, total);
			if (insert_row(order, "ittttt", order_id, jb->number, ref, cust, money,
			               when) != 0)
				goto out;
			for (i = 0; i < n; i++) {
				format_money(money, lines[i].cents);
				if (insert_row(line, "iiitit", line_id++, order_id, i + 1,
				               lines[i].sku, lines[i].qty, money) != 0)
					goto out;
			}
			order_id++;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(job);
	sqlite3_finalize(batch);
	sqlite3_finalize(order);
	sqlite3_finalize(line);
	return rc;
}

struct siteflow_row {
	char guid[37];
	const char *job;
	char order_ref[24];
	const char *sku;
	int qty;
	const char *status;
	int price_cents;
	char payload[160];
	char created_at[48];
	char updated_at[48];
};

/* Row i of job jb; draws the same numbers from rng whatever the side. */
static void make_siteflow_row(struct demo_rng *rng, const struct demo_job *jb, int i,
                              struct siteflow_row *r)
{
	const struct demo_product *p = &PICK(rng, demo_products);

	rng_uuid(rng, r->guid);
	r->job = jb->number;
	snprintf(r->order_ref, sizeof r->order_ref, "SF-%s-%02d", jb->number, i + 1);
	r->sku = p->sku;
	r->qty = PICK(rng, demo_quantities);
	r->price_cents = p->price_cents;
	if (strcmp(jb->status, "complete") == 0)
		r->status = "shipped";
	else if (strcmp(jb->status, "in_production") == 0)
		r->status = i % 3 == 0 ? "printed" : "printing";
	else
		r->status = "received";
	snprintf(r->payload, sizeof r->payload,
	         "{\"sku\":\"%s\",\"packs\":%d,\"stock\":\"%s\",\"finish\":\"%s\"}", p->sku, r->qty,
	         PICK(rng, demo_stocks), PICK(rng, demo_finishes));
	snprintf(r->created_at, sizeof r->created_at, "2026-11-%02d %02d:%02d:00", jb->day,
	         9 + i / 6, (i * 7) % 60);
	snprintf(r->updated_at, sizeof r->updated_at, "2026-11-%02d %02d:%02d:00", jb->day,
	         13 + i / 6, (i * 11) % 60);
}

/* What prod changed in three shared rows after they were copied there. */
static void apply_prod_drift(int i, struct siteflow_row *r)
{
	if (strcmp(r->job, "0000062") == 0 && i == 1) {
		r->qty += 5; /* a reprint topped up by hand in prod */
	} else if (strcmp(r->job, "0000063") == 0 && i == 3) {
		r->status = "on_hold";
		snprintf(r->updated_at, sizeof r->updated_at, "2026-11-06 16:45:00");
	} else if (strcmp(r->job, "0000066") == 0 && i == 0) {
		r->price_cents += 100;
	}
}

static int insert_siteflow_orders(sqlite3 *db, bool prod)
{
	sqlite3_stmt *st = NULL;
	struct demo_rng rng = {0x51ef10e0065ULL};
	struct siteflow_row r;
	char price[24];
	size_t j;
	int i, rc = -1;

	if (sqlite3_prepare_v2(db, "INSERT INTO siteflow_orders VALUES (?,?,?,?,?,?,?,?,?,?)", -1,
	                       &st, NULL))
		goto out;
	for (j = 0; j < DEMO_NJOBS; j++) {
		const struct demo_job *jb = &demo_jobs[j];
		/* prod-only rows follow the job's shared ones, numbered on; both
		 * sides draw them so the generator stays in step */
		int extra = strcmp(jb->number, DEMO_PROD_EXTRA_JOB) == 0 ? 2 : 0;
		for (i = 0; i < jb->nsiteflow + extra; i++) {
			make_siteflow_row(&rng, jb, i, &r);
			if (!prod && i >= jb->nsiteflow)
				continue;
			if (prod && strcmp(jb->number, DEMO_MISSING_JOB) == 0)
				continue;
			if (prod)
				apply_prod_drift(i, &r);
			format_money(price, r.price_cents);
			if (insert_row(st, "ttttittttt", r.guid, r.job, r.order_ref, r.sku, r.qty,
			               r.status, price, r.payload, r.created_at, r.updated_at) != 0)
				goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Writes a fresh database at path (removing what was there). */
static int build_database(const char *path, bool prod, struct rf_error *err)
{
	sqlite3 *db = NULL;
	int rc = -1;

	unlink(path);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		demo_fail(db, path, err);
		goto out;
	}
	if (sqlite3_exec(db, demo_schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    insert_jobs_and_orders(db) != 0 || insert_siteflow_orders(db, prod) != 0 ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		demo_fail(db, path, err);
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(db);
	if (rc != 0)
		unlink(path);
	return rc;
}

static int write_config(const char *path, const char *abs_dir, struct rf_error *err)
{
	char *text = rf_xasprintf(
	    "; rowferry demo, made by `rowferry demo`: two SQLite databases with an\n"
	    "; order-processing schema. Job 0000065's siteflow_orders rows exist only\n"
	    "; in dev. Try:\n"
	    ";   rowferry --config %s/config.ini diff siteflow_orders\n"
	    ";   rowferry --config %s/config.ini copy siteflow_orders "
	    "--where \"job_number = '0000065'\" --exclude guid\n"
	    "\n"
	    "[connection dev]\n"
	    "url = sqlite:%s/dev.db\n"
	    "\n"
	    "[connection prod]\n"
	    "url = sqlite:%s/prod.db\n"
	    "color = red\n"
	    "confirm = name\n"
	    "\n"
	    "[defaults]\n"
	    "source = dev\n"
	    "target = prod\n"
	    "\n"
	    "[safety]\n"
	    "undo_dir = %s/undo\n"
	    "\n"
	    "[ui]\n"
	    "theme = default\n",
	    abs_dir, abs_dir, abs_dir, abs_dir, abs_dir);
	size_t len = strlen(text), done = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int rc = -1;

	if (fd < 0) {
		rf_error_set(err, "demo", "%s: %s", path, strerror(errno));
		goto out;
	}
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rf_error_set(err, "demo", "%s: %s", path, strerror(errno));
			goto out;
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0) {
		rf_error_set(err, "demo", "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		unlink(path);
	free(text);
	return rc;
}

/* mkdir -p */
static int make_dirs(const char *dir, struct rf_error *err)
{
	char *path = rf_xstrdup(dir);
	struct stat st;
	char *p;
	int rc = -1;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			rf_error_set(err, "demo", "cannot create %s: %s", path, strerror(errno));
			goto out;
		}
		*p = '/';
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		rf_error_set(err, "demo", "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rf_error_set(err, "demo", "%s is not a directory", path);
		goto out;
	}
	rc = 0;
out:
	free(path);
	return rc;
}

static char *join_path(const char *dir, const char *name)
{
	return rf_xasprintf("%s/%s", dir, name);
}

bool rf_demo_exists(const char *dir)
{
	size_t i;
	bool all = true;
	for (i = 0; i < DEMO_NFILES; i++) {
		char *p = join_path(dir, demo_files[i]);
		all = all && access(p, F_OK) == 0;
		free(p);
	}
	return all;
}

static bool any_demo_file(const char *dir)
{
	size_t i;
	bool any = false;
	for (i = 0; i < DEMO_NFILES; i++) {
		char *p = join_path(dir, demo_files[i]);
		any = any || access(p, F_OK) == 0;
		free(p);
	}
	return any;
}

/* A stale rollback journal next to a new database would be "recovered"
 * into it on first open, corrupting it; WAL files likewise. */
static void remove_sidecars(const char *db_path)
{
	static const char *const suffixes[] = {"-journal", "-wal", "-shm"};
	size_t i;
	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		char *p = rf_xasprintf("%s%s", db_path, suffixes[i]);
		unlink(p);
		free(p);
	}
}

int rf_demo_create(const char *dir, bool force, struct rf_error *err)
{
	char *abs = NULL, *final[DEMO_NFILES] = {NULL}, *fresh[DEMO_NFILES] = {NULL};
	char *undo = NULL;
	size_t i;
	int rc = -1;

	if (!dir || !*dir)
		return rf_error_set(err, "demo", "no directory given");
	if (make_dirs(dir, err) != 0)
		return -1;
	if (!force && any_demo_file(dir))
		return rf_error_set(err, "demo",
		                    "%s already holds a demo (use --force to recreate it)", dir);
	abs = realpath(dir, NULL);
	if (!abs)
		return rf_error_set(err, "demo", "%s: %s", dir, strerror(errno));
	for (i = 0; i < DEMO_NFILES; i++) {
		final[i] = join_path(abs, demo_files[i]);
		fresh[i] = rf_xasprintf("%s.new", final[i]);
	}
	/* build everything under temporary names, then rename into place */
	if (build_database(fresh[0], false, err) != 0 || build_database(fresh[1], true, err) != 0 ||
	    write_config(fresh[2], abs, err) != 0)
		goto out;
	for (i = 0; i < DEMO_NFILES; i++) {
		if (i < 2)
			remove_sidecars(final[i]);
		if (rename(fresh[i], final[i]) != 0) {
			rf_error_set(err, "demo", "cannot rename %s: %s", fresh[i],
			             strerror(errno));
			goto out;
		}
	}
	undo = join_path(abs, "undo");
	if (mkdir(undo, 0700) != 0 && errno != EEXIST) {
		rf_error_set(err, "demo", "cannot create %s: %s", undo, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < DEMO_NFILES; i++) {
		if (rc != 0 && fresh[i])
			unlink(fresh[i]);
		free(final[i]);
		free(fresh[i]);
	}
	free(undo);
	free(abs);
	return rc;
}
