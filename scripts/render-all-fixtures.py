#!/usr/bin/env python3
"""Copies every real API v2 study of ../shared/realdata (ctgov_v2_json/ and cell_therapy/ctgov_v2_json/:
arrays, single studies, pages) into fixtures/text/render_all/ as one gzip file per NCT number (first
copy wins; studies whose fields are wrapped in arrays or whose id is not an NCT number are skipped),
with the origin line of the shared SOURCES.tsv. Used by crates/normalize/tests/cross_form.rs."""
import gzip,json,glob,os,re,sys,csv
import pathlib
root=str(pathlib.Path(__file__).resolve().parent.parent.parent/'shared'/'realdata')
out=sys.argv[1] if len(sys.argv)>1 else str(pathlib.Path(__file__).resolve().parent.parent/'fixtures'/'text'/'render_all')
os.makedirs(out,exist_ok=True)
src={}
for sf in ['SOURCES.tsv','cell_therapy/SOURCES.tsv']:
    base=os.path.dirname(sf)
    for line in open(os.path.join(root,sf),encoding='utf-8'):
        cols=line.rstrip('\n').split('\t')
        if cols[0]=='path': continue
        src[os.path.join(base,cols[0])]=cols
files=sorted(glob.glob(root+'/ctgov_v2_json/**/*.json',recursive=True))+sorted(glob.glob(root+'/cell_therapy/ctgov_v2_json/**/*.json',recursive=True))
def studies(v,o):
    if isinstance(v,list):
        for x in v: studies(x,o)
    elif isinstance(v,dict):
        if 'protocolSection' in v: o.append(v)
        elif 'studies' in v: studies(v['studies'],o)
seen={}
DROP=['contactsLocationsModule','oversightModule','ipdSharingStatementModule']
rows=[]
skipped=[]
for f in files:
    rel=os.path.relpath(f,root)
    v=json.load(open(f,encoding='utf-8'))
    o=[]; studies(v,o)
    for i,s in enumerate(o):
        nid=s['protocolSection'].get('identificationModule',{}).get('nctId')
        if not isinstance(nid,str):
            skipped.append((rel,i,'fields wrapped in arrays (R jsonlite re-serialisation)')); continue
        if not re.fullmatch(r'NCT\d{8}',nid):
            skipped.append((rel,i,'not an NCT number: '+nid)); continue
        if nid in seen:
            skipped.append((rel,i,'duplicate of '+seen[nid])); continue
        seen[nid]=rel
        ps=dict(s['protocolSection'])
        for k in DROP: ps.pop(k,None)
        b=(json.dumps({'protocolSection':ps},ensure_ascii=False,separators=(',',':'))+'\n').encode()
        with open(os.path.join(out,nid+'.json.gz'),'wb') as w:
            w.write(gzip.compress(b,9,mtime=0))
        cols=src.get(rel)
        origin=cols[1] if cols else 'UNKNOWN'
        what = f"study #{i} of that file; protocolSection without locations, oversight, IPD sharing; gzip"
        rows.append([f'text/render_all/{nid}.json.gz', origin, 'ctgov_v2_json_study', nid, 'realdata/'+rel, what])
with open(os.path.join(out,'SOURCES.tsv'),'w',encoding='utf-8') as w:
    w.write('path\torigin\tformat\tnct_id\tshared_path\tnote\n')
    for r in rows: w.write('\t'.join(r)+'\n')
print(len(rows),'studies;',len(skipped),'skipped')
import collections
print(collections.Counter(x[2].split(' ')[0] for x in skipped))
for x in skipped:
    if not x[2].startswith('duplicate'): print(x)
